using Platform.Core;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

/// <summary>Whether a relay (<c>HostSession.OpenRelayAsync</c>) to a port on 127.0.0.1 still runs: its bash names the address and port on its command line.</summary>
internal static class RelayProcesses
{
    public static async Task<bool> RunningToAsync(int port) =>
        (await new CommandRunner(new RecordingReporter(), new SecretRedactor()).RunAsync("pgrep", ["-f", $"/dev/tcp/127.0.0.1/{port} "], new CommandOptions { AllowFailure = true })).ExitCode == 0;
}
