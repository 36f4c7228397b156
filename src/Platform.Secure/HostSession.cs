using Platform.Core;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Platform.Secure;

/// <summary>Result of one command run on a host.</summary>
public sealed record RemoteResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// One SSH connection to one host, for the Ansible-like steps: run a command, read a file, write a
/// file atomically, upload. Safe to share between concurrent tasks: SSH.NET multiplexes channels
/// over the one connection. Files travel through a command's standard input (like Ansible's piped
/// transfers), not SFTP: SSH.NET's SFTP needs a connection of its own, and a handshake costs the
/// host about 20 ms of CPU.
/// </summary>
public sealed class HostSession : IAsyncDisposable
{
    // Tries of a pipe's channel (see OpenPipeAsync).
    private const int PipeAttempts = 3;

    private readonly SshConnector _connector;
    private readonly AckNudge _firstCommand;
    private readonly SemaphoreSlim _reconnecting = new(1, 1);
    private volatile SshClient _shell;
    private volatile bool _disposed;

    private HostSession(InventoryHost host, SshClient shell, SshConnector connector)
    {
        Host = host;
        _shell = shell;
        _connector = connector;
        _firstCommand = AckNudge.Start(interval => _shell.KeepAliveInterval = interval);
    }

    public InventoryHost Host { get; }

    /// <summary>What the connection negotiated (key exchange, cipher, host key), for logs and audits.</summary>
    public string Negotiated =>
        $"{_shell.ConnectionInfo.CurrentKeyExchangeAlgorithm}, {_shell.ConnectionInfo.CurrentClientEncryption}, {_shell.ConnectionInfo.CurrentHostKeyAlgorithm}";

    public static async Task<HostSession> OpenAsync(InventoryHost host, SshConnector connector, CancellationToken cancellation = default) =>
        new(host, await connector.ConnectShellAsync(host, cancellation), connector);

    /// <summary>Runs a command; its exit code and output are the caller's to judge. SSH failures name the host.</summary>
    public async Task<RemoteResult> RunAsync(string command, CancellationToken cancellation = default, TimeSpan? timeout = null)
    {
        try
        {
            return await RunAsync(command, input: null, cancellation, timeout);
        }
        catch (SshException ex)
        {
            throw CouldNotRun(ex);
        }
    }

    /// <param name="input">Sent to the command's standard input, then closed; null sends nothing.</param>
    private async Task<RemoteResult> RunAsync(string command, Stream? input, CancellationToken cancellation, TimeSpan? timeout)
    {
        await EnsureConnectedAsync(cancellation);
        using var cmd = _shell.CreateCommand(command);
        cmd.CommandTimeout = timeout ?? TimeSpan.FromMinutes(5);
        try
        {
            if (input is null)
            {
                await cmd.ExecuteAsync(cancellation);
            }
            else
            {
                await RunWithInputAsync(cmd, input, cancellation);
            }
        }
        catch (SshOperationTimeoutException)
        {
            throw new PlatformException($"{Host.Name}: a command did not finish within {cmd.CommandTimeout.TotalSeconds:0} s.");
        }
        catch (SshConnectionException ex)
        {
            throw new PlatformException($"{Host.Name}: the SSH connection was lost ({ex.Message}).", ex);
        }
        finally
        {
            _firstCommand.Stop();
        }

        return new RemoteResult(cmd.ExitStatus ?? -1, cmd.Result, cmd.Error);
    }

    // Input goes only once sshd has accepted the command, so nothing is sent on a channel whose command
    // may not exist yet: BeginExecute returns after sshd's answer to the exec request (blocking a pool
    // thread for that round trip), ExecuteAsync before it.
    private static async Task RunWithInputAsync(SshCommand cmd, Stream input, CancellationToken cancellation)
    {
        var started = await Task.Run(cmd.BeginExecute, cancellation);
        await using (cancellation.Register(() => cmd.CancelAsync()))
        {
            // Disposing the stream sends EOF, the command sees its input end (SSH.NET sends no EOF when
            // nothing was written: empty content does not come this way).
            await using (var stdin = cmd.CreateInputStream())
            {
                await input.CopyToAsync(stdin, cancellation);
            }

            await Task.Run(() => cmd.EndExecute(started), CancellationToken.None);
        }
    }

    /// <summary>
    /// Starts <paramref name="command"/> for a conversation (see <see cref="RemotePipe"/>): returns once
    /// sshd has accepted it; the command runs until the pipe is disposed or it ends on its own.
    /// </summary>
    public async Task<RemotePipe> OpenPipeAsync(string command, CancellationToken cancellation = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await EnsureConnectedAsync(cancellation);
            var cmd = _shell.CreateCommand(command);
            cmd.CommandTimeout = Timeout.InfiniteTimeSpan;
            try
            {
                await Task.Run(cmd.BeginExecute, cancellation);
                return new RemotePipe(cmd, cmd.CreateInputStream());
            }
            catch (SshException ex) when (ex is not SshAuthenticationException && attempt < PipeAttempts)
            {
                // A pipe's command (a relay, a conversation) may be started again. Its channel refused or cut off as it
                // opened, most often by a connection lost but not yet seen so, is tried again a moment later, on a
                // connection opened anew when that one is seen lost by then.
                cmd.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellation);
            }
            catch (SshException ex)
            {
                cmd.Dispose();
                throw CouldNotRun(ex);
            }
            catch
            {
                cmd.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// A connection seen lost under this session (the network; or sshd, which ends the whole connection when this
    /// side's data crosses a channel's close, as a relay's end can) is opened anew for the next command, as the first
    /// was: the host key checked against the pinned one, its failures said as they are (a changed host key, a host
    /// that cannot be reached). A roll's later steps (putting a node back in HAProxy's pool) do not fail for it.
    /// Commands that ran on the lost connection failed, and are not run again here; SSH.NET sees a loss only once it
    /// sends, so the first command after a silent drop may fail too.
    /// </summary>
    private async Task EnsureConnectedAsync(CancellationToken cancellation)
    {
        if (_shell.IsConnected)
        {
            return;
        }

        await _reconnecting.WaitAsync(cancellation);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_shell.IsConnected)
            {
                var lost = _shell;
                var fresh = await _connector.ConnectShellAsync(Host, cancellation);
                fresh.KeepAliveInterval = lost.KeepAliveInterval;
                _shell = fresh;
                lost.Dispose();
                if (_disposed)
                {
                    fresh.Dispose();
                }
            }
        }
        finally
        {
            _reconnecting.Release();
        }
    }

    // A channel refused or closed under the command (sshd's MaxSessions, a dying connection): an error
    // of this host, said as one. The checked runs add their step's wording instead.
    private PlatformException CouldNotRun(SshException ex) => new($"{Host.Name}: a command could not run over SSH ({ex.Message}).", ex);

    /// <summary>
    /// A TCP connection to <paramref name="address"/>:<paramref name="port"/> as seen from the host, through a
    /// relay on it (bash's <c>/dev/tcp</c> and two <c>cat</c>s on an exec channel of this connection): how Platform
    /// reaches HAProxy's runtime API and the slots' HTTP endpoints where they are not reachable from here, without
    /// a forwarded port on this machine (any local user could connect to that while it is open) and without
    /// sshd's TCP forwarding, which the hosts turn off. When either side ends (this side disposes the pipe, the
    /// other closes the connection) the relay's whole process group goes (sshd runs each command in a session of
    /// its own), so the other side sees the end at once. A refused connection is said on standard output, where
    /// the conversation reads it.
    /// </summary>
    public Task<RemotePipe> OpenRelayAsync(string address, int port, CancellationToken cancellation = default)
    {
        if (!HostAddress.IsValid(address) || port is <= 0 or > 65535)
        {
            throw new PlatformException($"{Host.Name}: '{address}:{port}' is not an address and port to relay to.");
        }

        return OpenPipeAsync(RelayCommand(address, port), cancellation);
    }

    /// <summary>The relay's command (bash whatever the login shell is: sh or dash have no <c>/dev/tcp</c>).</summary>
    private static string RelayCommand(string address, int port) =>
        "bash -c " + ShellQuote.Quote(
            $"exec 3<>/dev/tcp/{address}/{port.ToString(System.Globalization.CultureInfo.InvariantCulture)} 2>/dev/null || {{ echo 'connection refused'; exit 7; }}; {{ cat <&3; kill 0; }} & cat >&3; kill 0");

    /// <summary>Runs a command that must succeed; <paramref name="what"/> names it in the error.</summary>
    public Task<string> RunCheckedAsync(string command, string what, CancellationToken cancellation = default, TimeSpan? timeout = null) =>
        RunWithInputCheckedAsync(command, content: null, what, cancellation, timeout);

    /// <summary>The file's text, or null when it does not exist.</summary>
    public async Task<string?> ReadFileAsync(string path, CancellationToken cancellation = default)
    {
        var quoted = ShellQuote.Quote(path);
        var result = await RunAsync($"[ -e {quoted} ] || exit 3; cat {quoted}", cancellation);
        return result.ExitCode switch
        {
            0 => result.StandardOutput,
            3 => null,
            _ => throw new PlatformException($"{Host.Name}: reading {path} failed: {CommandRunner.Tail(result.StandardError, 4)}"),
        };
    }

    /// <summary>
    /// Creates a file only if it does not exist (the shell's noclobber opens it with O_EXCL: atomic
    /// on the host); returns false when it already exists. Used for locks. Not for secrets: the
    /// content travels on a command line.
    /// </summary>
    public async Task<bool> CreateExclusiveAsync(string path, string content, CancellationToken cancellation = default) =>
        await CreateExclusiveThenAsync(path, content, ":", cancellation) is not null;

    /// <summary>
    /// As <see cref="CreateExclusiveAsync"/>, and when the file was created runs <paramref name="then"/>
    /// (a POSIX shell command) in the same round trip: its output, or null when the file existed.
    /// </summary>
    public async Task<string?> CreateExclusiveThenAsync(string path, string content, string then, CancellationToken cancellation = default)
    {
        var quoted = ShellQuote.Quote(path);
        var result = await RunAsync($"set -C; if printf '%s' {ShellQuote.Quote(content)} > {quoted}; then set +C; {then}; exit 0; elif [ -e {quoted} ]; then exit 3; else exit 1; fi", cancellation);
        return result.ExitCode switch
        {
            0 => result.StandardOutput,
            3 => null,
            _ => throw new PlatformException($"{Host.Name}: creating {path} failed: {CommandRunner.Tail(result.StandardError, 4)}"),
        };
    }

    /// <summary>Appends text to a file, creating it when missing. Not for secrets: the text travels on a command line.</summary>
    public Task AppendAsync(string path, string text, CancellationToken cancellation = default) =>
        RunCheckedAsync($"printf '%s' {ShellQuote.Quote(text)} >> {ShellQuote.Quote(path)}", $"appending to {path}", cancellation);

    /// <summary>Deletes a file; a missing file is not an error.</summary>
    public Task DeleteFileAsync(string path, CancellationToken cancellation = default) =>
        RunCheckedAsync($"rm -f {ShellQuote.Quote(path)}", $"deleting {path}", cancellation);

    /// <summary>
    /// Writes a file so readers see the old or the new content, never a mix: the content goes through
    /// the command's standard input (never its command line: settings hold passwords) into a temp
    /// file in the same folder, created owner-only and given its mode before it is renamed over the
    /// target; a failed write leaves no temp file.
    /// </summary>
    /// <param name="content">Seekable (a file or bytes in memory): empty content is written without a transfer.</param>
    public async Task WriteFileAtomicAsync(string path, Stream content, UnixFileMode mode, string what, CancellationToken cancellation = default, TimeSpan? timeout = null)
    {
        if (!content.CanSeek)
        {
            throw new ArgumentException("The content must be a seekable stream.", nameof(content));
        }

        var empty = content.Length == content.Position;
        // Beside the file, so that the rename is atomic: a bare name (relative to the login's home) has its folder ".", not "/".
        var folder = Path.GetDirectoryName(path) is { Length: > 0 } dir ? dir : ".";
        var temp = $"{folder}/.{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp";
        var script = $"umask 077; t={ShellQuote.Quote(temp)}; trap 'rm -f \"$t\"' EXIT; " +
                     $"{(empty ? ":" : "cat")} > \"$t\" && chmod {Convert.ToString((int)mode, 8)} \"$t\" && mv -f \"$t\" {ShellQuote.Quote(path)}";
        await RunWithInputCheckedAsync(script, empty ? null : content, what, cancellation, timeout);
    }

    /// <summary>
    /// Runs a command that reads <paramref name="content"/> on its standard input and must succeed;
    /// <paramref name="what"/> names it in the error. The command should read its input to the end
    /// even when it fails, so that its own error reaches the message.
    /// </summary>
    public async Task<string> RunWithInputCheckedAsync(string command, Stream? content, string what, CancellationToken cancellation = default, TimeSpan? timeout = null)
    {
        RemoteResult result;
        try
        {
            result = await RunAsync(command, content, cancellation, timeout);
        }
        catch (Exception ex) when (ex is SshException or IOException or InvalidOperationException)
        {
            // The command ended before it read everything (a full disk, a missing folder).
            throw new PlatformException($"{Host.Name}: {what} failed: {ex.Message}", ex);
        }

        if (!result.Succeeded)
        {
            throw new RemoteCommandException(Host.Name, what, result.ExitCode, CommandRunner.Tail(result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput, 8));
        }

        return result.StandardOutput;
    }

    public async Task WriteFileAtomicAsync(string path, string content, UnixFileMode mode, CancellationToken cancellation = default)
    {
        using var bytes = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
        await WriteFileAtomicAsync(path, bytes, mode, $"writing {path}", cancellation);
    }

    /// <summary>Uploads a local file (atomically, as <see cref="WriteFileAtomicAsync(string, Stream, UnixFileMode, string, CancellationToken, TimeSpan?)"/>).</summary>
    public async Task UploadAsync(string localPath, string remotePath, UnixFileMode mode, CancellationToken cancellation = default)
    {
        await using var source = File.OpenRead(localPath);
        await WriteFileAtomicAsync(remotePath, source, mode, $"uploading {Path.GetFileName(localPath)} to {remotePath}", cancellation, TimeSpan.FromMinutes(30));
    }

    public ValueTask DisposeAsync()
    {
        // The semaphore is left to the collector: a reconnect still waiting on it must not fail on a disposed one.
        _disposed = true;
        _firstCommand.Stop();
        _shell.Dispose();
        return ValueTask.CompletedTask;
    }
}
