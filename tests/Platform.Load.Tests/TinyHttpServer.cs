using System.Net.Sockets;
using System.Text;
using Platform.TestSupport;

namespace Platform.Load.Tests;

/// <summary>
/// An HTTP/1.1 server on a free loopback port answering every request with one status, connections kept alive and
/// served at once (as HAProxy does): what the load generator is pointed at, without a deployment.
/// </summary>
internal sealed class TinyHttpServer(int status) : IAsyncDisposable
{
    private readonly LoopbackServer _server = new((stream, _, stop) => AnswerAllAsync(stream, status, stop), concurrent: true);

    public Uri Url => new($"{_server.Url}/items");

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static async Task AnswerAllAsync(NetworkStream stream, int status, CancellationToken stop)
    {
        var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok");
        // GET requests have no body: each one ends at its blank line; the client's end ends the connection.
        while (!stop.IsCancellationRequested && (await LoopbackServer.ReadRequestAsync(stream, stop)).Length > 0)
        {
            await stream.WriteAsync(answer, stop);
        }
    }
}
