using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// HTTP requests to a node's slot, made from the node itself through a relay on its SSH session
/// (<see cref="HostSession.OpenRelayAsync"/>): they work where the slot ports are firewalled from the
/// operator's machine, open no port here that another local user could use, and need no TCP forwarding
/// on the node. (The wait for readiness runs on the node instead: see <see cref="ReadinessWait"/>.)
/// </summary>
public static class RemoteHttp
{

    /// <summary>An answer as a person reads it: "answered 503 {body}", or that nothing answered (status 0).</summary>
    public static string Describe(int status, string body) =>
        status == 0 ? "got no answer (no process listening, or it did not answer within 5 s)" : $"answered {status} {body.Trim()}".TrimEnd();

    /// <summary>
    /// Starts opening the connection (the relay on the node) that a later <see cref="GetAsync"/> on the slot will
    /// use, so that its setup overlaps other work (the roll's switch); <see cref="Release"/> closes it if it goes unused.
    /// </summary>
    public static Task<Stream> ConnectAsync(NodeSession node, int port, CancellationToken cancellation) =>
        OpenAsync(node, port, cancellation);

    /// <summary>Closes a connection from <see cref="ConnectAsync"/> (a no-op once a request used and closed it).</summary>
    public static void Release(Task<Stream>? connection) =>
        connection?.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    /// <summary>The status code and body of a GET on the node (0 when nothing answers).</summary>
    /// <param name="connected">A connection <see cref="ConnectAsync"/> opened ahead; null: one is opened now.</param>
    public static async Task<(int Status, string Body)> GetAsync(NodeSession node, int port, string path, CancellationToken cancellation, Task<Stream>? connected = null)
    {
        if (connected is not null && await SendAsync(node, port, path, connected, cancellation) is { Status: not 0 } answer)
        {
            return answer;
        }

        // No connection ahead, or it went stale while it waited (the slot closes one that sends nothing for long): a fresh one.
        return await SendAsync(node, port, path, connected: null, cancellation);
    }

    private static async Task<(int Status, string Body)> SendAsync(NodeSession node, int port, string path, Task<Stream>? connected, CancellationToken cancellation)
    {
        // One connection per request, and so one relay: a client of its own, whose connections all go to this slot.
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) => await (connected ?? OpenAsync(node, port, token)),
            ConnectTimeout = TimeSpan.FromSeconds(3),
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://slot{path}");
        request.Headers.Host = node.Address.Contains(':', StringComparison.Ordinal) ? $"[{node.Address}]:{port}" : $"{node.Address}:{port}";
        request.Headers.ConnectionClose = true;
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Platform", "1.0"));
        try
        {
            using var response = await http.SendAsync(request, cancellation);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellation));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return (0, string.Empty);
        }
    }

    private static async Task<Stream> OpenAsync(NodeSession node, int port, CancellationToken cancellation) =>
        await node.Ssh.OpenRelayAsync(node.Address, port, cancellation);

    /// <summary>The release a <c>/version</c> answer names (null: not such an answer).</summary>
    public static string? ReleaseIn(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("release", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
