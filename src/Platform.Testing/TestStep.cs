using System.Diagnostics;
using Platform.Core;

namespace Platform.Testing;

/// <summary>
/// The Test target: builds the solution once, runs every test project under <c>tests/</c>
/// (<c>--test-parallel=N</c> at a time, default 2; <c>--test-filter=EXPR</c> passes a
/// <c>dotnet test --filter</c>; <c>--test-projects=A,B</c> picks projects), then prints one line
/// summed over all of them: <c>tests: N passed, N failed[, N skipped]</c>. That line is also
/// written to <c>artifacts/tests/summary.txt</c> and to build.sh's <c>PLATFORM_TEST_SUMMARY</c> file so that it can repeat it as its very last line;
/// a run that fails before its total (the solution does not build, Ctrl+C) writes it too, as one failure.
/// </summary>
public sealed class TestStep(RunContext run)
{
    public async Task<TestTotals> RunAsync()
    {
        var repo = run.Layout.RepoRoot;
        var resultsDir = Path.Combine(repo, "artifacts", "tests");
        IReadOnlyList<string> projects;
        try
        {
            // An unknown --test-projects is refused before the last run's results are removed.
            projects = TestProjects.Find(repo, run.Arguments.Get("test-projects"));
        }
        catch (PlatformException) when (!run.CheckMode)
        {
            // CI still gets its one line, and not a green one; the last run's results stay as they were.
            Directory.CreateDirectory(resultsDir);
            WriteSummary(resultsDir, TestTotals.OneFailure);
            throw;
        }

        if (Directory.Exists(resultsDir))
        {
            Directory.Delete(resultsDir, recursive: true);
        }

        Directory.CreateDirectory(resultsDir);
        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would run {projects.Count} test projects: {string.Join(", ", projects.Select(Path.GetFileNameWithoutExtension))}");
            return TestTotals.Zero;
        }

        try
        {
            return await BuildAndRunAsync(repo, resultsDir, projects);
        }
        catch (Exception) when (!File.Exists(SummaryFile(resultsDir)))
        {
            // The run did not finish (the solution did not build, Ctrl+C): CI still gets its one line, and not a green one.
            WriteSummary(resultsDir, TestTotals.OneFailure);
            throw;
        }
    }

    private async Task<TestTotals> BuildAndRunAsync(string repo, string resultsDir, IReadOnlyList<string> projects)
    {
        run.Reporter.Info("Building the solution (Release)");
        await run.Commands.RunAsync("dotnet", ["build", Path.Combine(repo, "Platform.sln"), "-c", "Release", "--nologo", "-v", "q", "-clp:ErrorsOnly"], new CommandOptions { WorkingDirectory = repo }, run.Cancellation);

        var parallel = run.Arguments.GetInt("test-parallel", 2, min: 1, max: 16);
        var filter = run.Arguments.Get("test-filter");
        using var gate = new SemaphoreSlim(parallel);
        var runs = projects.Select(async project =>
        {
            await gate.WaitAsync(run.Cancellation);
            try
            {
                return await RunProjectAsync(project, resultsDir, filter);
            }
            finally
            {
                gate.Release();
            }
        });
        TestTotals totals;
        try
        {
            totals = (await Task.WhenAll(runs)).Aggregate(TestTotals.Zero, (sum, t) => sum + t);
        }
        finally
        {
            // Also when the run is interrupted: the test processes are stopped then, before their fixtures'
            // teardowns, and what those started detached (sshd, HAProxy, PostgreSQL) would live on.
            var scratch = Path.Combine(repo, ".platform", "test");
            foreach (var leftover in new LeftoverProcesses(scratch).KillAll())
            {
                run.Reporter.Warn($"A test left a process behind and it was killed: {leftover}");
            }

            foreach (var folder in LeftoverScratch.RemoveAll(scratch))
            {
                run.Reporter.Warn($"A test left its scratch folder behind and it was removed: {folder}");
            }
        }

        WriteSummary(resultsDir, totals.Reported);

        // A misspelt filter or project list would otherwise pass with nothing run: a green CI that tested nothing.
        if (totals.NothingRan)
        {
            throw new PlatformException($"No test ran{(filter is null ? string.Empty : $": --test-filter={filter} matched none")} in {string.Join(", ", projects.Select(Path.GetFileNameWithoutExtension))}. Check the filter (dotnet test --filter syntax, e.g. FullyQualifiedName~ZeroDowntime) and --test-projects.");
        }

        if (totals.Failed > 0)
        {
            throw new PlatformException($"{totals.Failed} test(s) failed; see above and the TRX files in {resultsDir}.");
        }

        return totals;
    }

    private static string SummaryFile(string resultsDir) => Path.Combine(resultsDir, "summary.txt");

    /// <summary>Where build.sh, which started this run, waits for the total to repeat it as its very last line.</summary>
    public const string SummaryVariable = "PLATFORM_TEST_SUMMARY";

    // Printed, kept with the results, and handed to build.sh.
    private void WriteSummary(string resultsDir, TestTotals totals)
    {
        AtomicFile.WriteAllText(SummaryFile(resultsDir), totals.SummaryLine + "\n");
        if (Environment.GetEnvironmentVariable(SummaryVariable) is { Length: > 0 } forBuildSh)
        {
            File.WriteAllText(forBuildSh, totals.SummaryLine + "\n");
        }

        run.Reporter.Info(totals.SummaryLine);
    }

    private async Task<TestTotals> RunProjectAsync(string project, string resultsDir, string? filter)
    {
        var name = Path.GetFileNameWithoutExtension(project);
        var trx = Path.Combine(resultsDir, name + ".trx");
        var clock = Stopwatch.StartNew();
        run.Reporter.Info($"▶ {name}");
        var result = await run.Commands.RunAsync(
            "dotnet",
            ["test", project, "-c", "Release", "--no-build", "--nologo", "--logger", $"trx;LogFileName={trx}", "--results-directory", resultsDir, .. filter is null ? Array.Empty<string>() : ["--filter", filter]],
            // The tests must not see build.sh's summary file: a test of this step would write its total there.
            new CommandOptions { WorkingDirectory = run.Layout.RepoRoot, AllowFailure = true, Environment = new Dictionary<string, string?> { [SummaryVariable] = null } },
            run.Cancellation);
        // CI publishes these logs: redacted as the console is.
        await File.WriteAllTextAsync(Path.Combine(resultsDir, name + ".log"), run.Redactor.Redact(result.StandardOutput + result.StandardError), run.Cancellation);

        var report = File.Exists(trx) ? TrxReport.Load(trx) : null;
        var (totals, problem) = ProjectOutcome.Judge(result.ExitCode, report);
        if (problem is not null)
        {
            run.Reporter.Error($"✗ {name}: {problem}:{Environment.NewLine}{CommandRunner.Tail(result.StandardOutput + result.StandardError)}");
        }

        if (report is null)
        {
            return totals;
        }

        var mark = totals.Failed == 0 ? "✓" : "✗";
        run.Reporter.Info($"{mark} {name}: {totals.SummaryLine["tests: ".Length..]} ({clock.Elapsed.TotalSeconds:0.0} s)");
        foreach (var failure in report.Failures)
        {
            run.Reporter.Error($"  {failure.Name}: {failure.Message}");
        }

        return totals;
    }
}
