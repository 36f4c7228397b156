using Platform.Reports;
using Platform.TestSupport;

namespace Platform.Reports.Tests;

public sealed class TimelineChartTests
{
    private ScratchFolder _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = ScratchFolder.Reserve("reports");

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    private byte[] RenderToFile(DeployReportData data)
    {
        Directory.CreateDirectory(_scratch.Path);
        var path = Path.Combine(_scratch.Path, "chart.png");
        TimelineChart.Render(data, path);
        Assert.That(path, Does.Exist);
        return File.ReadAllBytes(path);
    }

    // Red marks failure: a phase that failed or was stopped is outlined and hatched in it; a run where all went well has none.
    [Test]
    public void A_failed_or_stopped_phase_is_marked_in_red_and_a_good_run_has_no_red()
    {
        var roll = SampleReports.Roll(3);
        var failed = roll.Select(p => p is { Node: "web-2", Phase: "ready" } ? p with { Ended = "failed" } : p is { Node: "web-3", Phase: "upload" } ? p with { Ended = "stopped" } : p).ToList();

        var good = RenderToFile(SampleReports.Create(roll));
        var bad = RenderToFile(SampleReports.Create(failed) with { Succeeded = false, Error = "web-2: not ready" });

        Assert.That(PngInk.RedFraction(good), Is.Zero);
        Assert.That(PngInk.RedFraction(bad), Is.GreaterThan(0.001));
    }

    [TestCase(3, false, 320)]
    [TestCase(3, true, 320 + 250)]
    [TestCase(12, false, 680)]
    [TestCase(12, true, 680 + 250)]
    public void Is_a_png_1200_wide_and_40_px_taller_per_node_plus_the_load_panel(int nodes, bool withLoad, int height)
    {
        var png = RenderToFile(SampleReports.Create(SampleReports.Roll(nodes), withLoad ? SampleReports.Load(60) : null, duration: 60));

        Assert.That(PngHeader.HasSignature(png), Is.True);
        Assert.That(PngHeader.Size(png), Is.EqualTo((1200, height)));
        var timelineHeight = 200 + 40 * nodes;
        Assert.That(PngInk.DarkFraction(png, 0, timelineHeight), Is.GreaterThan(0.01), "the timeline panel is drawn");
        if (withLoad)
            Assert.That(PngInk.DarkFraction(png, timelineHeight, height), Is.GreaterThan(0.01), "the load panel is drawn");
    }

    [Test]
    public void No_phases_still_makes_a_valid_chart()
    {
        var png = RenderToFile(SampleReports.Create([]));

        Assert.That(PngHeader.HasSignature(png), Is.True);
        Assert.That(PngHeader.Size(png), Is.EqualTo((1200, 200)));
        Assert.That(PngInk.DarkFraction(png, 0, 200), Is.GreaterThan(0.005), "title and time axis, not a blank image");
    }

    [Test]
    public void Empty_load_still_gets_its_panel()
    {
        var png = RenderToFile(SampleReports.Create(SampleReports.Roll(2), load: []));

        Assert.That(PngHeader.Size(png), Is.EqualTo((1200, 280 + 250)));
        Assert.That(PngInk.DarkFraction(png, 280, 280 + 250), Is.GreaterThan(0.005), "axes of the empty load panel");
    }

    [Test]
    public void Load_of_a_run_shorter_than_a_second_is_drawn_from_tenths()
    {
        ReportLoadSecond[] tenths = [.. Enumerable.Range(0, 9).Select(t => new ReportLoadSecond(t / 10.0, 300, 0, 0.1))];
        var phases = SampleReports.Roll(2).Select(p => p with { StartSeconds = p.StartSeconds / 100, EndSeconds = p.EndSeconds / 100 }).ToList();

        var empty = RenderToFile(SampleReports.Create(phases, load: [], duration: 0.9));
        var drawn = RenderToFile(SampleReports.Create(phases, load: tenths, duration: 0.9));

        Assert.That(PngInk.DarkFraction(drawn, 280, 530), Is.GreaterThan(PngInk.DarkFraction(empty, 280, 530) + 0.003), "the requests line across the run");
    }

    [Test]
    public void Height_follows_node_count_and_load()
    {
        Assert.That(TimelineChart.Height(SampleReports.Create(SampleReports.Roll(5))), Is.EqualTo(400));
        Assert.That(TimelineChart.Height(SampleReports.Create(SampleReports.Roll(5), SampleReports.Load(10))), Is.EqualTo(650));
    }

    [Test]
    public void Renders_without_a_display()
    {
        // Headless is the only way it runs in CI; make that explicit rather than incidental.
        var png = TimelineChart.RenderPng(SampleReports.Create(SampleReports.Roll(1)));

        Assert.That(PngHeader.HasSignature(png), Is.True);
        Assert.That(PngInk.DarkFraction(png, 0, 240), Is.GreaterThan(0.01), "an image with text and bars, not a blank canvas");
    }
}
