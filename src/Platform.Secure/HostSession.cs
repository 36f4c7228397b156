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
/// over the one connection. SFTP needs a second connection (SSH.NET cannot share one), opened only
/// when a step writes file content (settings, keys, releases): a handshake costs the host about
/// 20 ms of CPU, more than the few commands (a read, a lock, an audit line) most steps need.
/// </summary>
public sealed class HostSession : IAsyncDisposable
{
    private readonly SshConnector _connector;
    private readonly SshClient _shell;
    private readonly SemaphoreSlim _sftpGate = new(1, 1);
    private readonly Dictionary<(string Host, int Port), ForwardedPortLocal> _tunnels = [];
    private readonly AckNudge _firstCommand;
    private SftpClient? _sftp;

    private HostSession(InventoryHost host, SshConnector connector, SshClient shell)
    {
        Host = host;
        _connector = connector;
        _shell = shell;
        _firstCommand = AckNudge.Start(interval => _shell.KeepAliveInterval = interval);
    }

    public InventoryHost Host { get; }

    /// <summary>Connects the command channel (SFTP follows on first use).</summary>
    public static async Task<HostSession> OpenAsync(InventoryHost host, SshConnector connector, CancellationToken cancellation = default) =>
        new(host, connector, await connector.ConnectShellAsync(host, cancellation));

    public async Task<RemoteResult> RunAsync(string command, CancellationToken cancellation = default, TimeSpan? timeout = null)
    {
        using var cmd = _shell.CreateCommand(command);
        cmd.CommandTimeout = timeout ?? TimeSpan.FromMinutes(5);
        try
        {
            await cmd.ExecuteAsync(cancellation);
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

    /// <summary>
    /// A local port on 127.0.0.1 tunnelled through this SSH connection to <paramref name="host"/>:<paramref name="port"/>
    /// as seen from the host (sshd's direct-tcpip): how Platform reaches HAProxy's runtime API and the
    /// slots' HTTP endpoints without exposing them and without a shell per request. Opened once, kept
    /// until the session ends.
    /// </summary>
    public int Tunnel(string host, int port)
    {
        lock (_tunnels)
        {
            if (!_tunnels.TryGetValue((host, port), out var forwarded))
            {
                forwarded = new ForwardedPortLocal("127.0.0.1", 0, host, (uint)port);
                _shell.AddForwardedPort(forwarded);
                forwarded.Start();
                _tunnels[(host, port)] = forwarded;
            }

            return (int)forwarded.BoundPort;
        }
    }

    /// <summary>Runs a command that must succeed; <paramref name="what"/> names it in the error.</summary>
    public async Task<string> RunCheckedAsync(string command, string what, CancellationToken cancellation = default, TimeSpan? timeout = null)
    {
        var result = await RunAsync(command, cancellation, timeout);
        if (!result.Succeeded)
        {
            throw new RemoteCommandException(Host.Name, what, result.ExitCode, CommandRunner.Tail(result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput, 8));
        }

        return result.StandardOutput;
    }

    /// <summary>
    /// The file's text, or null when it does not exist. Over SFTP when that connection is open, else
    /// with one <c>cat</c>: a read does not justify a handshake.
    /// </summary>
    public async Task<string?> ReadFileAsync(string path, CancellationToken cancellation = default)
    {
        if (_sftp is null)
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

        var sftp = await SftpAsync(cancellation);
        try
        {
            using var stream = new MemoryStream();
            await Task.Run(() => sftp.DownloadFile(path, stream), cancellation);
            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }
        catch (SftpPathNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Creates a file only if it does not exist (the shell's noclobber opens it with O_EXCL: atomic
    /// on the host); returns false when it already exists. Used for locks. Not for secrets: the
    /// content travels on a command line.
    /// </summary>
    public async Task<bool> CreateExclusiveAsync(string path, string content, CancellationToken cancellation = default)
    {
        var quoted = ShellQuote.Quote(path);
        var result = await RunAsync($"set -C; if printf '%s' {ShellQuote.Quote(content)} > {quoted}; then exit 0; elif [ -e {quoted} ]; then exit 3; else exit 1; fi", cancellation);
        return result.ExitCode switch
        {
            0 => true,
            3 => false,
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
    /// Writes a file so readers see the old or the new content, never a mix: upload to a temp file
    /// in the same folder with the final mode, then rename over the target (posix-rename).
    /// </summary>
    public async Task WriteFileAtomicAsync(string path, byte[] content, UnixFileMode mode, CancellationToken cancellation = default)
    {
        var sftp = await SftpAsync(cancellation);
        var directory = Path.GetDirectoryName(path)!;
        var temp = $"{directory}/.{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = sftp.Create(temp))
            {
                sftp.ChangePermissions(temp, OctalDigits(mode));
                await stream.WriteAsync(content, cancellation);
            }

            sftp.RenameFile(temp, path, isPosix: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TryDelete(sftp, temp);
            throw new PlatformException($"{Host.Name}: writing {path} failed: {ex.Message}", ex);
        }
    }

    public Task WriteFileAtomicAsync(string path, string content, UnixFileMode mode, CancellationToken cancellation = default) =>
        WriteFileAtomicAsync(path, System.Text.Encoding.UTF8.GetBytes(content), mode, cancellation);

    /// <summary>Uploads a local file (atomically: temp + rename).</summary>
    public async Task UploadAsync(string localPath, string remotePath, UnixFileMode mode, CancellationToken cancellation = default)
    {
        var sftp = await SftpAsync(cancellation);
        var temp = $"{remotePath}.{Guid.NewGuid():N}.part";
        try
        {
            await using (var source = File.OpenRead(localPath))
            {
                await Task.Run(() => sftp.UploadFile(source, temp), cancellation);
            }

            sftp.ChangePermissions(temp, OctalDigits(mode));
            sftp.RenameFile(temp, remotePath, isPosix: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TryDelete(sftp, temp);
            throw new PlatformException($"{Host.Name}: uploading {Path.GetFileName(localPath)} to {remotePath} failed: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _firstCommand.Stop();
        await _sftpGate.WaitAsync();
        try
        {
            _sftp?.Dispose();
        }
        finally
        {
            _sftpGate.Release();
        }

        lock (_tunnels)
        {
            foreach (var tunnel in _tunnels.Values)
            {
                tunnel.Stop();
                tunnel.Dispose();
            }

            _tunnels.Clear();
        }

        _shell.Dispose();
        _sftpGate.Dispose();
    }

    private async Task<SftpClient> SftpAsync(CancellationToken cancellation)
    {
        await _sftpGate.WaitAsync(cancellation);
        try
        {
            return _sftp ??= await _connector.ConnectSftpAsync(Host, cancellation);
        }
        finally
        {
            _sftpGate.Release();
        }
    }

    // SSH.NET takes a mode written as octal digits in a decimal number (0600 is passed as 600).
    private static short OctalDigits(UnixFileMode mode) => short.Parse(Convert.ToString((int)mode, 8), System.Globalization.CultureInfo.InvariantCulture);

    private static void TryDelete(SftpClient sftp, string path)
    {
        try
        {
            if (sftp.Exists(path))
            {
                sftp.DeleteFile(path);
            }
        }
        catch (SshException)
        {
            // Best effort: the temp file is named so it never shadows the real one.
        }
    }
}
