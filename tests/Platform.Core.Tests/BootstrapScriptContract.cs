using System.Diagnostics;
using System.Globalization;
using Platform.TestSupport;

namespace Platform.Core.Tests;

/// <summary>
/// What both bootstraps (build.sh, build.ps1) promise, as users and CI run them, with a stand-in <c>dotnet</c> (host and
/// Cake child, as the SDK runs it) first on PATH: the arguments Cake gets, its exit status, the stdin it reads, the
/// Test target's total as the last line, a failed restore or build said before Cake runs, and Ctrl+C (SIGINT to the
/// whole process group) stopping Cake while the script waits for its cleanup and ends with Cake's status.
/// </summary>
[NonParallelizable]
public abstract class BootstrapScriptContract
{
    // Stands in for `dotnet tool restore`, `dotnet publish` and `dotnet cake`. As the SDK's host does, `dotnet cake`
    // runs Cake as a child process (FakeCake), passes SIGTERM on to it and not SIGINT (a terminal's Ctrl+C reaches
    // the whole process group, so the host leaves it to Cake).
    private const string FakeDotnet = """
        #!/usr/bin/env bash
        if [ "$1 $2" = "tool restore" ] && [ -n "${FAKE_RESTORE_ERROR:-}" ]; then echo "$FAKE_RESTORE_ERROR"; exit 1; fi
        if [ "$1" = publish ] && [ -n "${FAKE_BUILD_WAIT:-}" ]; then echo "building $$" >> "$FAKE_LOG"; exec sleep 10; fi
        if [ "$1" = publish ] && [ -n "${FAKE_BUILD_ERROR:-}" ]; then echo "$FAKE_BUILD_ERROR"; exit 1; fi
        [ "$1" = cake ] || exit 0
        shift 2
        ( trap - INT; exec "$(dirname "$0")/fake-cake" "$@" ) <&0 &
        child=$!
        trap ':' INT
        trap 'kill -TERM $child 2>/dev/null' TERM
        while kill -0 $child 2>/dev/null; do wait $child; done
        wait $child
        """;

    // Cake itself: logs what it got, and on SIGTERM or SIGINT takes a moment to "clean up" before it exits, as
    // Cake reverting a roll would.
    private const string FakeCake = """
        #!/usr/bin/env bash
        echo "args: $*" >> "$FAKE_LOG"
        echo "NO_COLOR=${NO_COLOR:-}" >> "$FAKE_LOG"
        if IFS= read -r -t 5 line; then echo "stdin: $line" >> "$FAKE_LOG"; fi
        [ -n "${FAKE_TEST_TOTAL:-}" ] && echo "$FAKE_TEST_TOTAL" > "$PLATFORM_TEST_SUMMARY"
        if [ -n "${FAKE_WAIT:-}" ]; then
          sleep 10 & s=$!
          trap 'echo term >> "$FAKE_LOG"; kill $s; sleep 0.3; echo cleaned >> "$FAKE_LOG"; exit 143' TERM
          trap 'echo int >> "$FAKE_LOG"; kill $s; sleep 0.3; echo cleaned >> "$FAKE_LOG"; exit 130' INT
          echo waiting >> "$FAKE_LOG"
          wait $s
        fi
        exit "${FAKE_EXIT:-0}"
        """;

    private readonly List<Process> _started = [];

    protected string Dir { get; private set; } = null!;

    protected string Log => Path.Combine(Dir, "fake.log");

    /// <summary>build.sh or build.ps1.</summary>
    protected abstract string Script { get; }

    /// <summary>The command that runs <paramref name="script"/> with <paramref name="arguments"/>.</summary>
    protected abstract ProcessStartInfo Command(string script, string[] arguments, bool ignoringSigint);

    [SetUp]
    public void CopyScript()
    {
        Dir = RepositoryRoot.NewScratch("bootstrap");
        File.Copy(Path.Combine(RepositoryRoot.Path, Script), Path.Combine(Dir, Script));
        Directory.CreateDirectory(Path.Combine(Dir, "bin"));
        foreach (var (name, text) in new[] { ("dotnet", FakeDotnet), ("fake-cake", FakeCake) })
        {
            File.WriteAllText(Path.Combine(Dir, "bin", name), text.ReplaceLineEndings("\n") + "\n");
            File.SetUnixFileMode(Path.Combine(Dir, "bin", name), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [TearDown]
    public void Remove()
    {
        // A test that failed before the script ended must not leave it (or the stand-in Cake's sleep) running.
        foreach (var script in _started)
        {
            try
            {
                if (!script.HasExited)
                {
                    script.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Disposed by its test: it ended there.
            }
        }

        _started.Clear();
        RepositoryRoot.RemoveScratch(Dir);
    }

    [TestCase("--version=1.2.0")]
    [TestCase("--version", "1.2.0")]
    public void Cake_gets_the_arguments_with_the_release_version_renamed_and_its_status_is_the_exit_code(params string[] version)
    {
        using var script = Start(["--target=Deploy", .. version, "--batch-size=2"], ("FAKE_EXIT", "3"), ("FAKE_TEST_TOTAL", "tests: 1 passed, 0 failed"));
        script.StandardInput.WriteLine("yes");
        script.StandardInput.Close();
        var output = script.StandardOutput.ReadToEnd();
        script.WaitForExit();

        Assert.That(script.ExitCode, Is.EqualTo(3));
        Assert.That(File.ReadAllText(Log), Does.Contain("args: --target=Deploy --release-version=1.2.0 --batch-size=2").And.Contain("stdin: yes"));
        Assert.That(File.ReadAllText(Log), Does.Contain("NO_COLOR=1"), "output that is no terminal gets no colour codes");
        Assert.That(output.TrimEnd().Split('\n')[^1], Is.EqualTo("tests: 1 passed, 0 failed"), "the Test target's total stays the last line");
    }

    // Another target run in the same checkout while a Test run goes on must neither remove its total nor repeat it.
    [Test]
    public void A_run_repeats_only_its_own_test_total_and_leaves_the_kept_one_alone()
    {
        var kept = Path.Combine(Dir, "artifacts", "tests", "summary.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
        File.WriteAllText(kept, "tests: 5 passed, 0 failed\n");

        using var script = Start(["--target=Verify"]);
        script.StandardInput.Close();
        var output = script.StandardOutput.ReadToEnd();
        script.WaitForExit();

        Assert.That(script.ExitCode, Is.Zero);
        Assert.That(output, Does.Not.Contain("tests:"));
        Assert.That(File.ReadAllText(kept), Is.EqualTo("tests: 5 passed, 0 failed\n"));
    }

    // Alone, --version is Cake's own (it prints Cake's version): passed on as it is.
    [Test]
    public void A_version_alone_is_cakes_own()
    {
        using var script = Start(["--version"]);
        script.StandardInput.Close();
        script.StandardOutput.ReadToEnd();
        script.WaitForExit();

        Assert.That(script.ExitCode, Is.Zero);
        Assert.That(File.ReadAllText(Log), Does.Contain("args: --version\n"));
    }

    // An argument whose value went missing is refused before Cake runs. For --version with a target it matters most
    // (`--version "$VERSION"`, VERSION unset): Cake would print its own version and exit 0 without running the target,
    // a CI job passing having done nothing.
    [TestCase("--phase= has no value", "--target=MigrateDb", "--phase=")]
    [TestCase("--version has no value: give one (--version=X.Y.Z)", "--target=Deploy", "--version")]
    [TestCase("--version has no value: give one (--version=X.Y.Z)", "--version", "--target=RollNode")]
    [TestCase("--version has no value: give one (--version=X.Y.Z)", "--target=Deploy", "--version", "")]
    public void An_argument_without_a_value_is_refused_by_name_before_cake_runs(string said, params string[] arguments)
    {
        using var script = Start(arguments);
        script.StandardInput.Close();
        var error = script.StandardError.ReadToEnd();
        script.WaitForExit();

        Assert.That(script.ExitCode, Is.EqualTo(1));
        Assert.That(error, Does.Contain(said));
        Assert.That(File.Exists(Log), Is.False, "Cake did not run");
    }

    [Test]
    public void A_failed_tool_restore_says_why_and_fails_before_cake_runs()
    {
        using var script = Start(["--target=Test"], ("FAKE_RESTORE_ERROR", "error NU1301: Unable to load the service index for source https://api.nuget.org/v3/index.json."));
        script.StandardInput.Close();
        var error = script.StandardError.ReadToEnd();
        script.WaitForExit();

        Assert.That(script.ExitCode, Is.EqualTo(1));
        Assert.That(error, Does.Contain("NU1301").And.Contain("dotnet tool restore failed"), "a CI log shows the cause, not an empty failed step");
        Assert.That(File.Exists(Log), Is.False, "Cake did not run");
    }

    [Test]
    public void A_failed_build_shows_its_log_and_fails_before_cake_runs()
    {
        using var script = Start(["--target=Deploy"], ("FAKE_BUILD_ERROR", "src/Platform.Core/Run.cs(3,1): error CS1002: ; expected"));
        script.StandardInput.Close();
        var output = script.StandardOutput.ReadToEnd();
        script.WaitForExit();

        Assert.That(script.ExitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("error CS1002: ; expected"), "the build's own log says what failed");
        Assert.That(File.Exists(Log), Is.False, "Cake did not run");
    }

    // In a session of its own, as a terminal's foreground job: Ctrl+C signals its whole process group.
    [Test]
    public void Ctrl_c_stops_cake_and_the_script_waits_for_its_cleanup_and_ends_with_its_status() => StopWithCtrlC(ignoringSigint: false);

    protected void StopWithCtrlC(bool ignoringSigint)
    {
        var temp = Directory.CreateDirectory(Path.Combine(Dir, "tmp")).FullName;
        using var script = Start(["--target=RollNode"], [("FAKE_WAIT", "1"), ("TMPDIR", temp)], newSession: true, ignoringSigint);
        script.StandardInput.Close();
        WaitForCake();

        Signal("-INT", $"-{script.Id.ToString(CultureInfo.InvariantCulture)}");

        Assert.That(script.WaitForExit(10_000), Is.True, "the script ended");
        Assert.That(File.ReadAllText(Log), Does.Contain("int\ncleaned"), "Cake got Ctrl+C, and finished its cleanup before the script returned");
        Assert.That(script.ExitCode, Is.EqualTo(130), "Cake's own status, not the 0 of a script stopped early");
        Assert.That(Directory.GetFiles(temp), Is.Empty, "the test total's file (and the build's log) removed");
    }

    protected void WaitForCake()
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!(File.Exists(Log) && File.ReadAllText(Log).Contains("waiting", StringComparison.Ordinal)) && DateTime.UtcNow < until)
        {
            Thread.Sleep(20);
        }

        Assert.That(File.Exists(Log) && File.ReadAllText(Log).Contains("waiting", StringComparison.Ordinal), "the stand-in Cake started");
    }

    protected static void Signal(string signal, string target)
    {
        using var kill = Process.Start("kill", [signal, "--", target]);
        kill.WaitForExit();
    }

    protected Process Start(string[] arguments, params (string Name, string Value)[] environment) => Start(arguments, environment, newSession: false);

    protected Process Start(string[] arguments, (string Name, string Value)[] environment, bool newSession, bool ignoringSigint = false)
    {
        var start = Command(Path.Combine(Dir, Script), arguments, ignoringSigint);
        if (newSession)
        {
            string[] command = [start.FileName, .. start.ArgumentList];
            start.FileName = "setsid";
            start.ArgumentList.Clear();
            foreach (var argument in command)
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.WorkingDirectory = Dir;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["PATH"] = $"{Path.Combine(Dir, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["FAKE_LOG"] = Log;
        // As on a laptop or a plain CI log, whatever the machine running the tests sets.
        start.Environment.Remove("PLATFORM_SIGNALS_RESET");
        start.Environment.Remove("NO_COLOR");
        start.Environment.Remove("GITHUB_ACTIONS");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var script = Process.Start(start)!;
        _started.Add(script);
        return script;
    }
}
