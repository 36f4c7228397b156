using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Load.Tests;

/// <summary>
/// An HTTP/1.1 server on a free loopback port answering every request with one status (keep-alive, as HAProxy
/// does): what the load generator is pointed at, without a deployment.
/// </summary>
internal sealed class TinyHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly int _status;

    public TinyHttpServer(int status)
    {
        _status = status;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/items");

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var buffer = new byte[4096];
        var pending = new StringBuilder();
        var body = Encoding.ASCII.GetBytes("ok");
        var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 {_status} X\r\nContent-Length: {body.Length}\r\nContent-Type: text/plain\r\n\r\nok");
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                pending.Append(Encoding.ASCII.GetString(buffer, 0, read));
                // GET requests have no body: each blank line ends one.
                int end;
                while ((end = pending.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    pending.Remove(0, end + 4);
                    await stream.WriteAsync(answer, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
