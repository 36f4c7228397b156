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

    // The report is drawn while the load still runs: the sample it is in the middle of covers only part of its
    // width, and dividing by the whole width showed a drop at the end of every chart.
    [Test]
    public async Task A_sample_read_part_way_through_is_as_wide_as_the_time_it_covered()
    {
        await using var ok = new TinyHttpServer(200);
        var load = new LoadGenerator(ok.Url, 400);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1.05));

        var samples = load.Samples(10);
        await stop.CancelAsync();
        await running;

        Assert.That(samples.Take(samples.Count - 1).Select(s => s.Width), Is.All.EqualTo(1.0), "the full seconds");
        Assert.That(samples[^1].Width, Is.GreaterThanOrEqualTo(0.2).And.LessThan(1.0), "the second it was read in, about 0.05 s into it (a fifth of it at least)");
        Assert.That(load.Samples(1).Select(s => s.Width), Is.All.InRange(0.02, 0.1), "tenths once stopped: the last one as far as the load went");
    }

    private static async Task<LoadReport> RunForAsync(LoadGenerator load, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        return await load.RunAsync(stop.Token);
    }
}
