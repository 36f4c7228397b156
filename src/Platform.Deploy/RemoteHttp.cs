using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// HTTP requests to a node's slot, made through an SSH tunnel of the node's session: they work where
/// the slot ports are firewalled from the operator's machine, and cost no shell on the node. (The
/// wait for readiness runs on the node instead: see <see cref="ReadinessWait"/>.)
/// </summary>
public static class RemoteHttp
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(3) })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>An answer as a person reads it: "answered 503 {body}", or that nothing answered (status 0).</summary>
    public static string Describe(int status, string body) =>
        status == 0 ? "got no answer (no process listening, or it did not answer within 5 s)" : $"answered {status} {body.Trim()}".TrimEnd();

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
