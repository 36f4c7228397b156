namespace Platform.Secure;

/// <summary>
/// Saves 40 ms on the first command of every new SSH connection to OpenSSH. Right after the login
/// sshd announces its host keys (<c>hostkeys-00@openssh.com</c>, no answer expected) and keeps
/// Nagle's algorithm on until a session starts, so its answer to our first channel waits behind
/// that unacknowledged notice until this side's delayed ACK fires — 40 ms on Linux, per host and
/// run (seen with strace on sshd: the channel confirmation leaves 41 ms after it was written).
/// Keepalives every <see cref="Interval"/> while the first command runs carry the ACK at once. They
/// stop when that command is through, or after <see cref="Window"/>: by then the delayed ACK has
/// gone out by itself, and an idle connection should not chatter.
/// </summary>
public sealed class AckNudge
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(2);
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);

    private readonly Action<TimeSpan> _setKeepAlive;
    private int _active = 1;

    private AckNudge(Action<TimeSpan> setKeepAlive) => _setKeepAlive = setKeepAlive;

    /// <param name="setKeepAlive">Sets the connection's keepalive interval (infinite turns it off).</param>
    public static AckNudge Start(Action<TimeSpan> setKeepAlive, TimeProvider? time = null)
    {
        var nudge = new AckNudge(setKeepAlive);
        setKeepAlive(Interval);
        _ = Task.Delay(Window, time ?? TimeProvider.System).ContinueWith(_ => nudge.Stop(), TaskScheduler.Default);
        return nudge;
    }

    /// <summary>Turns the keepalives off (once; later calls do nothing). A closed connection is already quiet.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _active, 0) == 0)
        {
            return;
        }

        try
        {
            _setKeepAlive(Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: its keepalive timer went with it.
        }
    }
}
