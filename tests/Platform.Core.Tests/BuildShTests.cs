using System.Diagnostics;
using System.Globalization;

namespace Platform.Core.Tests;

/// <summary>
/// build.sh: beside what both bootstraps promise, a SIGTERM or SIGINT sent to build.sh alone (a CI job cancelled, a
/// closed session, `kill -INT`) reaching Cake, and SIGINT reaching Cake when build.sh started with it ignored (a
/// script's background job).
/// </summary>
public sealed class BuildShTests : BootstrapScriptContract
{
    protected override string Script => "build.sh";

    protected override ProcessStartInfo Command(string script, string[] arguments, bool ignoringSigint) =>
        ignoringSigint
            ? new("bash", ["-c", "trap '' INT QUIT; exec bash \"$0\" \"$@\"", script, .. arguments])
            : new("bash", [script, .. arguments]);

    [TestCase("-TERM", "term", 143, false, TestName = "A SIGTERM sent to build.sh alone reaches Cake and build.sh waits for its cleanup")]
    [TestCase("-INT", "int", 130, false, TestName = "A SIGINT sent to build.sh alone reaches Cake and build.sh waits for its cleanup")]
    [TestCase("-INT", "int", 130, true, TestName = "A SIGINT sent to build.sh alone reaches Cake when build.sh was started with SIGINT ignored")]
    public void A_signal_sent_to_build_sh_alone_reaches_cake_and_build_sh_waits_for_its_cleanup(string signal, string logged, int status, bool ignoringSigint)
    {
        using var script = Start(["--target=RollNode"], [("FAKE_WAIT", "1")], newSession: false, ignoringSigint);
        script.StandardInput.Close();
        WaitForCake();

        Signal(signal, script.Id.ToString(CultureInfo.InvariantCulture));

        Assert.That(script.WaitForExit(10_000), Is.True, "build.sh ended");
        Assert.That(File.ReadAllText(Log), Does.Contain($"{logged}\ncleaned"), "Cake got the signal, and finished its cleanup before build.sh returned");
        Assert.That(script.ExitCode, Is.EqualTo(status), "Cake's own status");
    }

    // Stopped while it builds src/: the build (a background job, which ignores SIGINT) stops too, its log goes, Cake never starts.
    [Test]
    public void A_sigint_while_building_stops_the_build_and_leaves_no_log_behind()
    {
        var temp = Path.Combine(Dir, "tmp");
        Directory.CreateDirectory(temp);
        using var script = Start(["--target=Deploy"], ("FAKE_BUILD_WAIT", "1"), ("TMPDIR", temp));
        script.StandardInput.Close();
        Assert.That(() => File.Exists(Log) && File.ReadAllText(Log).Contains("building", StringComparison.Ordinal), Is.True.After(20_000, 50), "the build started");
        var build = int.Parse(File.ReadAllText(Log).Split("building ")[1].Split('\n')[0], CultureInfo.InvariantCulture);

        Signal("-INT", script.Id.ToString(CultureInfo.InvariantCulture));

        Assert.That(script.WaitForExit(10_000), Is.True, "build.sh ended");
        Assert.That(script.ExitCode, Is.EqualTo(130));
        Assert.That(Directory.Exists($"/proc/{build}"), Is.False, "the build was stopped, not left running");
        Assert.That(Directory.GetFiles(temp, "platform-build.*"), Is.Empty, "its log removed");
        Assert.That(File.ReadAllText(Log), Does.Not.Contain("args:"), "Cake did not start");
    }

    // Started with SIGINT and SIGQUIT ignored, as a script's background job (`./build.sh … &`) inherits them: Cake must
    // still get Ctrl+C (a background job would have it ignored) and finish its cleanup.
    [Test]
    public void Ctrl_c_stops_cake_when_build_sh_was_started_with_sigint_ignored() => StopWithCtrlC(ignoringSigint: true);
}
