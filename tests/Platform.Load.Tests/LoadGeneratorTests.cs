using Platform.TestSupport;

namespace Platform.Load.Tests;

/// <summary>The load generator the benchmark and the zero-downtime tests measure with: what it counts, and how.</summary>
public sealed class LoadGeneratorTests
{
    [Test]
    public async Task Every_answer_is_counted_once_and_a_non_2xx_one_as_failed_by_its_status()
    {
        await using var ok = new TinyHttpServer(200);
        await using var unavailable = new TinyHttpServer(503);

        var good = await RunForAsync(new LoadGenerator(ok.Url, 200), TimeSpan.FromSeconds(1));
        var bad = await RunForAsync(new LoadGenerator(unavailable.Url, 200), TimeSpan.FromSeconds(1));

        Assert.That(good.Requests, Is.InRange(120, 400), "about 200/s for a second (more when the stop comes late on a busy machine), open loop");
        Assert.That((good.Failed, good.FailuresByKind), Is.EqualTo((0, new Dictionary<string, int>())));
        Assert.That(bad.Failed, Is.EqualTo(bad.Requests).And.GreaterThan(0));
        Assert.That(bad.FailuresByKind, Is.EqualTo(new Dictionary<string, int> { ["HTTP 503"] = bad.Requests }));
        Assert.That(good.Seconds.Sum(s => s.Requests), Is.EqualTo(good.Requests), "the per-second counts add up to the total");
    }

    [Test]
    public async Task A_refused_connection_counts_as_failed_by_its_kind()
    {
        using var closed = new ClosedPort();

        var report = await RunForAsync(new LoadGenerator(new Uri($"http://127.0.0.1:{closed.Port}/items"), 50), TimeSpan.FromSeconds(0.5));

        Assert.That(report.Failed, Is.EqualTo(report.Requests).And.GreaterThan(0));
        Assert.That(report.FailuresByKind.Keys, Is.EqualTo(new[] { "ConnectionError" }));
    }

    // While the load runs, the samples so far add up to what it counted, each second as wide as it is.
    [Test]
    public async Task Samples_read_while_the_load_runs_add_up_and_none_is_wider_than_a_second()
    {
        await using var ok = new TinyHttpServer(200);
        var load = new LoadGenerator(ok.Url, 300);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1.3));

        var samples = load.Samples(10);
        await stop.CancelAsync();
        var report = await running;

        Assert.That(samples.Select(s => s.Width), Is.All.GreaterThan(0).And.All.LessThanOrEqualTo(1.0));
        Assert.That(samples.Sum(s => s.Requests), Is.GreaterThan(0).And.LessThanOrEqualTo(report.Requests));
        Assert.That(load.Samples(1).Sum(s => s.Requests), Is.EqualTo(report.Requests), "once stopped, every answer is in a sample");
    }

    // The stop is timed from the load's start, not from before it (a cold start must not eat the window).
    private static async Task<LoadReport> RunForAsync(LoadGenerator load, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        stop.CancelAfter(duration);
        return await running;
    }
}
