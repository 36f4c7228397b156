using System.Net.Sockets;
using System.Text;
using Platform.Core;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// Reaches HAProxy's runtime API the only way it is reachable: from the lb host itself, through an
/// SSH tunnel from the lb host's session to its loopback API. One TCP connection per call: HAProxy
/// answers a line of commands and closes.
/// </summary>
public sealed class SshRuntimeApiChannel(HostSession lb, string runtimeApi) : IRuntimeApiChannel
{
    public async Task<string> SendAsync(string commands, CancellationToken cancellation)
    {
        var (address, port) = Split(runtimeApi);
        var local = lb.Tunnel(address, port);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", local, timeout.Token);
            await using var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(commands + "\n"), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var answer = await reader.ReadToEndAsync(timeout.Token);
            return answer;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellation.IsCancellationRequested)
        {
            throw new PlatformException($"{lb.Host.Name}: HAProxy's runtime API at {runtimeApi} does not answer ({ex.Message}). Is HAProxy running (Apply)?", ex);
        }
    }

    private static (string Address, int Port) Split(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && int.TryParse(endpoint[(colon + 1)..], out var port)
            ? (endpoint[..colon], port)
            : throw new PlatformException($"loadBalancer.runtimeApi '{endpoint}' is not address:port.");
    }
}
