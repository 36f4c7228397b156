using System.Net.Http.Headers;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// HTTP checks of a node's slot, made through an SSH tunnel of the node's session: they work where
/// the slot ports are firewalled from the operator's machine, and cost no shell on the node.
/// </summary>
public static class RemoteHttp
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(3) })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>The status code and body of a GET on the node (0 when nothing answers).</summary>
    public static async Task<(int Status, string Body)> GetAsync(NodeSession node, int port, string path, CancellationToken cancellation)
    {
        var local = node.Ssh.Tunnel(node.Address, port);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{local}{path}");
        request.Headers.Host = $"{node.Address}:{port}";
        request.Headers.ConnectionClose = true;
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Platform", "1.0"));
        try
        {
            using var response = await Http.SendAsync(request, cancellation);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return (0, string.Empty);
        }
    }

    /// <summary>
    /// Polls <c>/health/ready</c> every 50 ms until it answers 200 (true), the process dies, or the
    /// timeout passes (false, with the reason). Liveness is read from the node every half second.
    /// </summary>
    public static async Task<(bool Ready, string Detail)> WaitReadyAsync(NodeSession node, int port, int pid, IProcessManager processes, TimeSpan timeout, CancellationToken cancellation)
    {
        var until = DateTime.UtcNow + timeout;
        var nextLivenessCheck = DateTime.UtcNow + TimeSpan.FromMilliseconds(500);
        var last = "no answer";
        while (DateTime.UtcNow < until)
        {
            var (status, body) = await GetAsync(node, port, "/health/ready", cancellation);
            if (status == 200)
            {
                return (true, "ready");
            }

            last = status == 0 ? "no answer" : $"{status} {body.Trim()}";
            if (DateTime.UtcNow >= nextLivenessCheck)
            {
                if (await processes.RunningPidAsync(node, port, cancellation) != pid)
                {
                    return (false, "died: the process exited before it was ready");
                }

                nextLivenessCheck = DateTime.UtcNow + TimeSpan.FromMilliseconds(500);
            }

            await Task.Delay(50, cancellation);
        }

        return (false, $"not ready after {timeout.TotalSeconds:0} s: {last}");
    }
}
