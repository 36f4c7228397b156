using System.Diagnostics;
using System.Globalization;

namespace Platform.TestSupport;

/// <summary>
/// Sends a signal with kill(1), as an operator, systemd (TERM, HUP) or a crash (KILL) does to a process the
/// test did not start itself. Fails the test when kill does: the process the test means to stop was not there.
/// </summary>
public static class ProcessSignal
{
    /// <param name="signal">Its name without SIG (TERM, KILL, STOP, CONT, HUP, QUIT) or its number.</param>
    public static void Send(string signal, int pid) => Send(signal, pid.ToString(CultureInfo.InvariantCulture));

    public static void Send(string signal, string pid) => Kill(signal, pid, $"kill -{signal} {pid}");

    /// <summary>To the process whose id is the first line of <paramref name="pidFile"/> (sshd's, HAProxy's, PostgreSQL's postmaster.pid).</summary>
    public static void SendToPidFile(string signal, string pidFile)
    {
        var pid = File.ReadLines(pidFile).First().Trim();
        Kill(signal, pid, $"kill -{signal} {pid} ({pidFile})");
    }

    private static void Kill(string signal, string pid, string what)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid]);
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, what);
    }
}
