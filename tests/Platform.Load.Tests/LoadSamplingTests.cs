namespace Platform.Load.Tests;

/// <summary>How the load's counts become the chart's samples, read at any moment.</summary>
public sealed class LoadSamplingTests
{
    // 30 answers every tenth of a second (300/s) since the load began, up to the tenth in progress.
    private static IEnumerable<(int, int, int)> Steady(int tenths) => Enumerable.Range(0, tenths).Select(t => (t, 30, 0));

    // The report is drawn while the load still runs: a second it is in the middle of covers only part of its width,
    // and dividing by the whole width showed a drop at the end of every chart.
    [Test]
    public void A_second_read_part_way_through_is_as_wide_as_the_time_it_covered()
    {
        var samples = LoadSampling.Group(Steady(16), 10, 1.6);

        Assert.That(samples.Select(s => (s.Start, s.Requests)), Is.EqualTo(new[] { (0.0, 300), (1.0, 180) }));
        Assert.That(samples.Select(s => s.Width), Is.EqualTo(new[] { 1.0, 0.6 }).Within(1e-9));
        Assert.That(samples.Select(s => s.Requests / s.Width), Is.All.EqualTo(300).Within(1e-6), "a steady load reads steady to the end");
    }

    [Test]
    public void A_sliver_at_the_end_is_merged_into_the_second_before_it()
    {
        var samples = LoadSampling.Group([.. Steady(20), (20, 3, 1)], 10, 2.01);

        Assert.That(samples, Has.Count.EqualTo(2));
        Assert.That(samples[^1].Width, Is.EqualTo(1.01).Within(1e-9));
        Assert.That((samples[^1].Requests, samples[^1].Failed), Is.EqualTo((303, 1)), "nothing counted is lost");
        Assert.That(samples[^1].Requests / samples[^1].Width, Is.EqualTo(300).Within(1));
    }

    [Test]
    public void A_sliver_with_nothing_before_it_keeps_the_smallest_width_that_is_no_noise()
    {
        var samples = LoadSampling.Group([(0, 1, 0)], 10, 0.02);

        Assert.That(samples.Single(), Is.EqualTo(new LoadSample(0, 0.2, 1, 0)));
    }

    [Test]
    public void Samples_of_tenths_and_no_counts_at_all()
    {
        Assert.That(LoadSampling.Group(Steady(5), 1, 0.5).Select(s => s.Width), Is.All.EqualTo(0.1).Within(1e-9));
        Assert.That(LoadSampling.Group([], 10, 3), Is.Empty);
    }
}
