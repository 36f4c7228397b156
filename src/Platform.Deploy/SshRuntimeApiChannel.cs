using Platform.Core;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// Reaches HAProxy's runtime API the only way it is reachable: from the lb host itself, over SSH.
/// bash's /dev/tcp opens the socket, so the lb host needs nothing else installed.
/// </summary>
public sealed class SshRuntimeApiChannel(HostSession lb, string runtimeApi) : IRuntimeApiChannel
{
    public async Task<string> SendAsync(string commands, CancellationToken cancellation)
    {
        var (address, port) = Split(runtimeApi);
        var script = $"exec 3<>/dev/tcp/{address}/{port} || exit 7; printf '%s\\n' {ShellQuote.Quote(commands)} >&3; cat <&3";
        var result = await lb.RunAsync("bash -c " + ShellQuote.Quote(script), cancellation, TimeSpan.FromSeconds(15));
        if (result.ExitCode == 7)
        {
            throw new PlatformException($"{lb.Host.Name}: HAProxy's runtime API at {runtimeApi} does not answer. Is HAProxy running (Apply)?");
        }

        if (!result.Succeeded)
        {
            throw new RemoteCommandException(lb.Host.Name, "runtime API call", result.ExitCode, result.StandardError.Trim());
        }

        return result.StandardOutput;
    }

    private static (string Address, string Port) Split(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 ? (endpoint[..colon], endpoint[(colon + 1)..]) : throw new PlatformException($"loadBalancer.runtimeApi '{endpoint}' is not address:port.");
    }
}
