namespace Platform.Core.Tests;

public sealed class ProgressTickerTests
{
    [Test]
    public async Task A_long_wait_is_reported_while_it_lasts_and_no_more_once_it_ends()
    {
        var waited = new List<TimeSpan>();
        var done = new TaskCompletionSource<int>();

        var wait = ProgressTicker.WhileAsync(() => done.Task, TimeSpan.FromMilliseconds(20), waited.Add);
        // Bounded: a ticker that never reports fails here instead of hanging the run.
        Assert.That(() => Volatile.Read(ref waited).Count, Is.GreaterThanOrEqualTo(2).After(10_000, 10));

        done.SetResult(42);
        Assert.That(await wait, Is.EqualTo(42));
        var reported = waited.Count;
        await Task.Delay(100); // five ticks' time: a ticker left running would report again

        Assert.That(waited, Has.Count.EqualTo(reported), "no report after the wait ended");
        Assert.That(waited, Is.Ordered.And.All.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public async Task A_quick_wait_prints_nothing()
    {
        var waited = new List<TimeSpan>();

        Assert.That(await ProgressTicker.WhileAsync(() => Task.FromResult("ready"), TimeSpan.FromSeconds(5), waited.Add), Is.EqualTo("ready"));
        Assert.That(waited, Is.Empty);
    }

    [Test]
    public void A_failed_wait_fails_the_caller()
    {
        Assert.That(
            () => ProgressTicker.WhileAsync<int>(() => throw new PlatformException("died"), TimeSpan.FromSeconds(5), _ => { }),
            Throws.TypeOf<PlatformException>().With.Message.EqualTo("died"));
    }
}
