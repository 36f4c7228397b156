using Microsoft.Extensions.Time.Testing;
using Platform.Secure;

namespace Platform.Secure.Tests;

public sealed class AckNudgeTests
{
    [Test]
    public void Keepalives_start_at_once_and_stop_when_the_first_command_is_through()
    {
        List<TimeSpan> set = [];
        var nudge = AckNudge.Start(set.Add, new FakeTimeProvider());
        Assert.That(set, Is.EqualTo(new[] { AckNudge.Interval }));
        Assert.That(AckNudge.Interval, Is.LessThan(TimeSpan.FromMilliseconds(40)), "well under the delayed ACK it cuts short");

        nudge.Stop();
        nudge.Stop();

        Assert.That(set, Is.EqualTo(new[] { AckNudge.Interval, Timeout.InfiniteTimeSpan }), "turned off once");
    }

    [Test]
    public void An_idle_connection_stops_after_the_window()
    {
        List<TimeSpan> set = [];
        var time = new FakeTimeProvider();
        var nudge = AckNudge.Start(set.Add, time);

        time.Advance(AckNudge.Window - TimeSpan.FromMilliseconds(1));
        Assert.That(set, Has.Count.EqualTo(1), "still nudging inside the window");

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(() => set, Has.Count.EqualTo(2).After(2000, 10), "stopped when the window closed");
        Assert.That(set[^1], Is.EqualTo(Timeout.InfiniteTimeSpan));

        nudge.Stop();
        Assert.That(set, Has.Count.EqualTo(2), "a later Stop does nothing");
    }

    [Test]
    public void A_connection_disposed_meanwhile_is_not_an_error()
    {
        var nudge = AckNudge.Start(interval =>
        {
            if (interval == Timeout.InfiniteTimeSpan)
            {
                throw new ObjectDisposedException("SshClient");
            }
        }, new FakeTimeProvider());

        Assert.That(nudge.Stop, Throws.Nothing);
    }
}
