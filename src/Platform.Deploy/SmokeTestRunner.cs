using Platform.Core;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// Runs the smoke tests a release ships (<c>smoke/Catalog.Smoke.dll</c> in its smoke tarball) against a
/// URL with <c>dotnet test --filter TestCategory=Smoke</c>. Fails with their output when they fail.
/// </summary>
public sealed class SmokeTestRunner(RunContext run)
{
    public async Task RunAsync(PackagedRelease release, string url, string why)
    {
        using var folder = WorkFolder.Create(run.Layout, $"smoke-{release.Version}");
        var work = folder.Path;
        await new ReleaseStore(run.Layout.ReleasesDir).ExtractSmokeAsync(release, work, run.Commands, run.Cancellation);
        var dll = Path.Combine(work, "smoke", "Catalog.Smoke.dll");
        if (!File.Exists(dll))
        {
            throw new PlatformException($"Release {release.Version} ships no smoke tests (smoke/Catalog.Smoke.dll missing in {release.Smoke?.Tarball ?? release.Tarball}).");
        }

        run.Reporter.Info($"Running the smoke tests of release {release.Version} against {url} ({why})");
        var result = await run.Commands.RunAsync(
            "dotnet",
            ["test", dll, "--filter", "TestCategory=Smoke"],
            new CommandOptions
            {
                WorkingDirectory = work,
                AllowFailure = true,
                Timeout = TimeSpan.FromMinutes(5),
                Environment = new Dictionary<string, string?> { ["CATALOG_URL"] = url, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
            },
            run.Cancellation);
        var summary = result.StandardOutput.Split('\n').LastOrDefault(l => l.Contains("Passed!", StringComparison.Ordinal) || l.Contains("Failed!", StringComparison.Ordinal))?.Trim();
        if (!result.Succeeded)
        {
            throw new PlatformException($"The smoke tests of release {release.Version} failed against {url} ({why}):{Environment.NewLine}{CommandRunner.Tail(WithoutStackTraces(result.StandardOutput + result.StandardError), 40)}");
        }

        run.Reporter.Info($"Smoke tests of {release.Version}: {summary ?? "passed"}");
    }

    /// <summary>
    /// What failed and why (test names, messages, expected and actual), without the test framework's
    /// stack traces: they say where in NUnit an assertion threw, which no operator needs, and would push
    /// the messages out of the tail shown.
    /// </summary>
    internal static string WithoutStackTraces(string output) =>
        string.Join('\n', output.Split('\n').Where(l => !l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.Trim() != "Stack Trace:"));
}