using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.TestSupport;

/// <summary>
/// The accept loop of the tests' stand-in servers (an HTTP slot, HAProxy's CLI, a service under load) on 127.0.0.1:
/// one connection after another (or, <c>concurrent</c>, each as it comes), each handed to the conversation with its
/// number (0, 1, ...) and closed when it returns. Disposing stops it; anything that failed meanwhile, other than the
/// stop itself, fails the test there.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public LoopbackServer(Func<NetworkStream, int, CancellationToken, Task> converse, bool concurrent = false)
    {
        _listener.Start();
        _serving = ServeAsync(converse, concurrent);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>
    /// An HTTP request up to its blank line (or the client's end), read whole before answering: closing with
    /// unread bytes would reset the connection under the answer.
    /// </summary>
    public static async Task<string> ReadRequestAsync(NetworkStream stream, CancellationToken cancellation)
    {
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer, cancellation) is > 0 and var read)
        {
            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return request.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }

    private async Task ServeAsync(Func<NetworkStream, int, CancellationToken, Task> converse, bool concurrent)
    {
        var conversations = new List<Task>();
        try
        {
            for (var n = 0; ; n++)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var conversation = ConverseAsync(client, converse, n);
                if (concurrent)
                {
                    conversations.Add(conversation);
                }
                else
                {
                    await conversation;
                }
            }
        }
        catch (Exception ex) when (Stopped(ex))
        {
            // Stopped: the listener may be closed before the next accept sees the cancellation ("Not listening").
        }

        await Task.WhenAll(conversations);
    }

    private async Task ConverseAsync(TcpClient client, Func<NetworkStream, int, CancellationToken, Task> converse, int n)
    {
        using var _ = client;
        try
        {
            await converse(client.GetStream(), n, _stop.Token);
        }
        catch (Exception ex) when (Stopped(ex))
        {
        }
    }

    private bool Stopped(Exception ex) =>
        _stop.IsCancellationRequested && ex is OperationCanceledException or SocketException or InvalidOperationException or ObjectDisposedException or IOException;
}
