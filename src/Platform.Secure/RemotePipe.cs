using Renci.SshNet;

namespace Platform.Secure;

/// <summary>
/// A remote command's standard input and output as one two-way stream, over an exec channel of a
/// host's SSH connection: what is written reaches the command's input, what it prints is read.
/// Unlike a forwarded port it opens no listening socket on this machine, so no other local user can
/// slip into the conversation. Disposing closes the channel, which ends the command's input.
/// </summary>
public sealed class RemotePipe : Stream
{
    private readonly SshCommand _command;
    private readonly Stream _input;
    private int _disposed;

    internal RemotePipe(SshCommand command, Stream input)
    {
        _command = command;
        _input = input;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    // SSH.NET's output pipe blocks its reader: a read waits on a pool thread, and ends with 0 once the command ends or the pipe is disposed.
    public override int Read(byte[] buffer, int offset, int count) => _command.OutputStream.Read(buffer, offset, count);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.Run(() => Read(buffer, offset, count), cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => _command.OutputStream.Read(buffer.Span), cancellationToken));

    public override void Write(byte[] buffer, int offset, int count)
    {
        ThrowIfEnded();
        try
        {
            _input.Write(buffer, offset, count);
            _input.Flush();
        }
        catch (Exception ex) when (Ended(ex))
        {
            throw new IOException("The remote command's input is closed (the command or the connection ended).", ex);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfEnded();
        try
        {
            await _input.WriteAsync(buffer, cancellationToken);
            await _input.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (Ended(ex))
        {
            throw new IOException("The remote command's input is closed (the command or the connection ended).", ex);
        }
    }

    // Not written once the command said how it ended (sshd sends that just before it closes the channel): data sent
    // after SSH.NET has answered that close refers to a channel sshd no longer has, and sshd ends the whole connection
    // for it. Between the two the race is left to the connection being opened again (HostSession).
    private void ThrowIfEnded()
    {
        if (_command.ExitStatus is not null || _command.ExitSignal is not null)
        {
            throw new IOException("The remote command's input is closed (the command ended).");
        }
    }

    // What SSH.NET throws for a write to a channel that closed: to callers, a stream that ended.
    private static bool Ended(Exception ex) => ex is Renci.SshNet.Common.SshException or ObjectDisposedException or InvalidOperationException;

    public override void Flush() => _input.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // The channel is closed, with no end-of-file sent first: when the command has just ended by itself
            // (the other side closed the connection), sshd has freed the channel, and an EOF for it would make
            // sshd drop the whole connection ("ieof packet referred to nonexistent channel"). Closing the
            // channel ends the command's input all the same.
            _command.Dispose();
        }

        base.Dispose(disposing);
    }
}
