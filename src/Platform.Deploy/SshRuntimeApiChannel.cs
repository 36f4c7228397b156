using System.Net.Sockets;
using System.Text;
using Platform.Core;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// Reaches HAProxy's runtime API the only way it is reachable: from the lb host itself, through a
/// relay on the lb host over its SSH session (<see cref="HostSession.OpenRelayAsync"/>), never a
/// forwarded port: a port on this machine's loopback would let any local user give HAProxy admin
/// commands while a run lasts. One connection for the whole run, in the API's interactive mode (<c>prompt</c>): each
/// answer ends with the <c>&gt; </c> prompt, so a command costs one round trip. A connection per
/// command would wait for HAProxy's close to travel back through sshd, which holds that last small
/// packet for the client's delayed ACK: 40 ms a call. Commands are serialized (one conversation); a
/// connection HAProxy closed while idle (its <c>stats timeout</c>) is reopened once.
/// </summary>
/// <param name="connect">Opens a two-way stream to the API's address and port (as seen from the lb host).</param>
public sealed class SshRuntimeApiChannel(string lbName, string runtimeApi, Func<string, int, CancellationToken, Task<Stream>> connect) : IRuntimeApiChannel, IDisposable
{
    private const string Prompt = "\n> ";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<byte> _pending = [];
    private Stream? _stream;

    public SshRuntimeApiChannel(HostSession lb, string runtimeApi)
        : this(lb.Host.Name, runtimeApi, async (address, port, cancellation) => await lb.OpenRelayAsync(address, port, cancellation))
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

    private async Task<Stream> OpenAsync(CancellationToken cancellation)
    {
        var (address, port) = Split(runtimeApi);
        _stream = await connect(address, port, cancellation);
        await _stream.WriteAsync("prompt\n"u8.ToArray(), cancellation);
        await ReadAnswerAsync(_stream, cancellation);
        return _stream;
    }

    // One command's answer: everything up to the prompt HAProxy prints when it is done.
    private async Task<string> ReadAnswerAsync(Stream stream, CancellationToken cancellation)
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

            // Awaited up to the call's deadline even where the stream's own read cannot be cancelled (an SSH pipe's).
            var read = await stream.ReadAsync(buffer, cancellation).AsTask().WaitAsync(cancellation);
            if (read == 0)
            {
                throw new EndOfStreamException(text.Trim() is { Length: > 0 } said ? said : "HAProxy closed the connection");
            }

            _pending.AddRange(buffer.AsSpan(0, read));
        }
    }

    private void Close()
    {
        _stream?.Dispose();
        _stream = null;
        _pending.Clear();
    }

    // The address goes into the relay's script: an IP address or a DNS name, nothing a shell would read more into.
    private static (string Address, int Port) Split(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        var address = colon > 0 ? endpoint[..colon] : string.Empty;
        return int.TryParse(endpoint[(colon + 1)..], out var port) && port is > 0 and < 65536
            && HostAddress.IsValid(address)
            ? (address, port)
            : throw new PlatformException($"loadBalancer.runtimeApi '{endpoint}' in the inventory is not address:port (an IP address or DNS name, and a port): Apply writes it from Terraform's outputs.");
    }
}
