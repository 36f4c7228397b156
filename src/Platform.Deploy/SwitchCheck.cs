namespace Platform.Deploy;

/// <summary>
/// The check right after traffic moved to a node's new slot, before N is stopped: the slot answers
/// with the new release, HAProxy reports it UP, and it logged no error. A failure puts N back.
/// </summary>
internal static class SwitchCheck
{
    // The new slot must answer with the new version, be UP in HAProxy and have logged no error;
    // the three are asked at once (they are independent) and judged in that order.
    /// <param name="connected">The connection to the slot, opened while traffic moved (<see cref="RemoteHttp.ConnectAsync"/>).</param>
    public static async Task RunAsync(NodeSession node, HaproxyRuntime lb, int port, string server, string version, Task<Stream> connected, CancellationToken token)
    {
        var answer = RemoteHttp.GetAsync(node, port, "/version", token, connected);
        var up = WaitUpAsync(lb, server, TimeSpan.FromSeconds(5), token);
        var errors = NodeLog.ErrorCountAsync(node, version, port, token);
        await Task.WhenAll(answer, up, errors);

        var (status, body) = answer.Result;
        var release = status == 200 ? RemoteHttp.ReleaseIn(body) : null;
        if (release != version)
        {
            // Status 0: the new process died or hung after the switch; said as such, not as an answer.
            throw new NodeRollException(node.Name, "verify", status == 200
                ? $"/version on port {port} answered release '{release ?? body.Trim()}', expected {version}"
                : $"/version on port {port} {RemoteHttp.Describe(status, body)}; expected release {version}");
        }

        if (up.Result is { } notUp)
        {
            throw new NodeRollException(node.Name, "verify", $"HAProxy does not report {server} UP (status {notUp})");
        }

        if (errors.Result > 0)
        {
            throw new NodeRollException(node.Name, "verify", $"{errors.Result} error-level entries in {node.Layout.LogFile(version, port)} since start");
        }
    }

    // Null once HAProxy reports the server UP; its last status when it does not within the timeout.
    private static async Task<string?> WaitUpAsync(HaproxyRuntime lb, string server, TimeSpan timeout, CancellationToken token)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var stat = await lb.StatAsync(server, token);
            if (stat.IsUp)
            {
                return null;
            }

            if (DateTime.UtcNow > until)
            {
                return stat.Status;
            }

            await Task.Delay(100, token);
        }
    }
}
