using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// Starts again what stopped on an environment's existing hosts, through the script its platform.json
/// names as <c>startStopped</c> (run with <c>STATE_DIR</c>; <c>CHECK=1</c> in check mode). The local
/// hosts are processes on this machine: after a reboot or a crash Terraform still sees every resource
/// it made and plans nothing, so Apply asks the environment itself. Cloud hosts restart their
/// services on their own and name no script.
/// </summary>
public static class StoppedHostsStarter
{
    /// <summary>Runs the script, reporting each line it prints (one per process started); nothing when the environment names none.</summary>
    /// <exception cref="PlatformException">The script is missing, or failed (its error says which process and where its log is).</exception>
    public static async Task StartAsync(RunContext run, EnvironmentSettings settings)
    {
        if (settings.StartStopped is not { } relative)
        {
            return;
        }

        var script = Path.GetFullPath(Path.Combine(run.Layout.InfraDir, relative));
        if (!File.Exists(script))
        {
            throw new PlatformException($"{settings.Source}: startStopped names {relative}, but {script} does not exist. Restore it from git, or remove the setting.");
        }

        var environment = new Dictionary<string, string?> { ["STATE_DIR"] = run.Layout.StateDir, ["CHECK"] = run.CheckMode ? "1" : null };
        CommandResult result;
        try
        {
            result = await run.Commands.RunAsync("bash", [script], new CommandOptions { Environment = environment, Timeout = TimeSpan.FromMinutes(2) }, run.Cancellation);
        }
        catch (CommandFailedException ex)
        {
            throw new PlatformException($"Starting again what had stopped on the '{run.Environment}' hosts failed ({relative}):{Environment.NewLine}{ex.StandardErrorTail}", ex);
        }

        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            run.Reporter.Info(run.CheckMode ? $"Check mode: {line}" : line);
            if (run.CheckMode && WouldStartOn(line) is { } host)
            {
                run.HostsApplyWouldStart.Add(host);
            }
        }
    }

    /// <summary>The host a check-mode line of the script names (<c>[web-1] would start sshd on …</c>), or null.</summary>
    internal static string? WouldStartOn(string line) =>
        line.StartsWith('[') && line.IndexOf("] would start ", StringComparison.Ordinal) is var end and > 1 ? line[1..end] : null;
}
