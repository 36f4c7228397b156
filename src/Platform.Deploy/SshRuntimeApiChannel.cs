using System.Net.Sockets;
using System.Text;
using Platform.Core;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// Reaches HAProxy's runtime API the only way it is reachable: from the lb host itself, through an
/// SSH tunnel from the lb host's session to its loopback API. One connection for the whole run, in
/// the API's interactive mode (<c>prompt</c>): each answer ends with the <c>&gt; </c> prompt, so a
/// command costs one round trip. A connection per command would wait for HAProxy's close to travel
/// back through sshd, which holds that last small packet for the client's delayed ACK: 40 ms a call.
/// Commands are serialized (one conversation); a connection HAProxy closed while idle (its
/// <c>stats timeout</c>) is reopened once.
/// </summary>
public sealed class SshRuntimeApiChannel(string lbName, string runtimeApi, Func<string, int, int> tunnel) : IRuntimeApiChannel, IDisposable
{
    private const string Prompt = "\n> ";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<byte> _pending = [];
    private TcpClient? _client;
    private NetworkStream? _stream;

    public SshRuntimeApiChannel(HostSession lb, string runtimeApi)
        : this(lb.Host.Name, runtimeApi, lb.Tunnel)
    {
    }

    public async Task<string> SendAsync(IReadOnlyList<string> commands, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(CallTimeout);
        try
        {
            var reused = _stream is not null;
            try
            {
                return await ExchangeAsync(commands, timeout.Token);
            }
            catch (Exception ex) when (reused && ex is IOException or SocketException or EndOfStreamException)
            {
                // Closed by HAProxy while idle: our commands are idempotent, so send them again once.
                Close();
                return await ExchangeAsync(commands, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or EndOfStreamException or OperationCanceledException && !cancellation.IsCancellationRequested)
        {
            Close();
            throw new PlatformException($"{lbName}: HAProxy's runtime API at {runtimeApi} does not answer ({ex.Message}). Is HAProxy running (Apply)?", ex);
        }
        catch
        {
            // Cancelled or failed mid-conversation: the next call must not read this call's answer.
            Close();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        Close();
        _gate.Dispose();
    }

    private async Task<string> ExchangeAsync(IReadOnlyList<string> commands, CancellationToken cancellation)
    {
        var stream = _stream ?? await OpenAsync(cancellation);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Concat(commands.Select(c => c + "\n"))), cancellation);
        var answers = new StringBuilder();
        for (var i = 0; i < commands.Count; i++)
        {
            answers.Append(await ReadAnswerAsync(stream, cancellation));
        }

        return answers.ToString();
    }

    private async Task<NetworkStream> OpenAsync(CancellationToken cancellation)
    {
        var (address, port) = Split(runtimeApi);
        var local = tunnel(address, port);
        _client = new TcpClient { NoDelay = true };
        await _client.ConnectAsync("127.0.0.1", local, cancellation);
        _stream = _client.GetStream();
        await _stream.WriteAsync("prompt\n"u8.ToArray(), cancellation);
        await ReadAnswerAsync(_stream, cancellation);
        return _stream;
    }

    // One command's answer: everything up to the prompt HAProxy prints when it is done.
    private async Task<string> ReadAnswerAsync(NetworkStream stream, CancellationToken cancellation)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var text = Encoding.ASCII.GetString(_pending.ToArray());
            var prompt = text.IndexOf(Prompt, StringComparison.Ordinal);
            if (prompt >= 0)
            {
                _pending.RemoveRange(0, prompt + Prompt.Length);
                return text[..(prompt + 1)];
            }

            var read = await stream.ReadAsync(buffer, cancellation);
            if (read == 0)
            {
                throw new EndOfStreamException("HAProxy closed the connection");
            }

            _pending.AddRange(buffer.AsSpan(0, read));
        }
    }

    private void Close()
    {
        _stream?.Dispose();
        _client?.Dispose();
        _stream = null;
        _client = null;
        _pending.Clear();
    }

    private static (string Address, int Port) Split(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && int.TryParse(endpoint[(colon + 1)..], out var port)
            ? (endpoint[..colon], port)
            : throw new PlatformException($"loadBalancer.runtimeApi '{endpoint}' is not address:port.");
    }
}
