using Platform.Reports;
using Platform.TestSupport;

namespace Platform.Reports.Tests;

/// <summary>The pieces of the chart that a look at one PNG would not catch.</summary>
public sealed class ChartPartsTests
{
    [Test]
    public void Stacked_panels_get_the_same_data_area_left_and_right()
    {
        // Long node names on one panel, short request counts on the other: unaligned, their time axes would differ.
        var data = SampleReports.Create([new("catalog-web-eu-west-1a-07", "upload", 0, 3)], SampleReports.Load(10));
        using var timeline = TimelinePlot.Create(data, 10);
        using var load = LoadPlot.Create(data.Load!, 10);

        DataAreaAligner.Align([(timeline, 240), (load, 250)], 1200);
        timeline.RenderInMemory(1200, 240);
        load.RenderInMemory(1200, 250);

        Assert.That(load.LastRender.DataRect.Left, Is.EqualTo(timeline.LastRender.DataRect.Left));
        Assert.That(load.LastRender.DataRect.Right, Is.EqualTo(timeline.LastRender.DataRect.Right));
        Assert.That(timeline.LastRender.DataRect.Left, Is.GreaterThan(100), "room for the long node name");
    }

    [Test]
    public void Tick_labels_are_invariant_whatever_the_current_culture()
    {
        using var german = CultureScope.German();
        using var plot = TimelinePlot.Create(SampleReports.Create(SampleReports.Roll(1)), 2.5);

        plot.RenderInMemory(1200, 240);

        var labels = plot.Axes.Bottom.TickGenerator.Ticks.Select(t => t.Label).Where(l => l.Length > 0).ToList();
        Assert.That(labels, Has.Some.Contains("."), "fractional seconds on a 2.5 s axis");
        Assert.That(labels, Has.None.Contains(","));
    }

    [Test]
    public void Usual_phases_keep_their_color_and_others_get_distinct_ones()
    {
        var few = PhaseColors.For(["upload", "verify"]);
        var many = PhaseColors.For([.. PhaseOrder.Canonical, "backup", "migrate"]);

        Assert.That(many["upload"], Is.EqualTo(few["upload"]));
        Assert.That(many["verify"], Is.EqualTo(few["verify"]));
        Assert.That(many.Values.Distinct().Count(), Is.EqualTo(many.Count));
        Assert.That(many.Values, Has.None.EqualTo(ScottPlot.Colors.Red), "red means failed requests");
    }

    [Test]
    public void Phases_are_ordered_canonically_then_alphabetically() =>
        Assert.That(PhaseOrder.Of([new("a", "warmup", 0, 1), new("a", "verify", 0, 1), new("a", "backup", 0, 1), new("a", "upload", 0, 1)]),
            Is.EqualTo(new[] { "upload", "verify", "backup", "warmup" }));

    [Test]
    public void A_failed_write_leaves_no_temp_file_behind()
    {
        using var scratch = ScratchFolder.Reserve("reports");
        var target = Path.Combine(scratch.Path, "chart.png");
        Directory.CreateDirectory(target); // a folder where the file should go: the final rename must fail

        Assert.That(() => TimelineChart.Render(SampleReports.Create(SampleReports.Roll(1)), target), Throws.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>());
        Assert.That(Directory.GetFileSystemEntries(scratch.Path), Is.EqualTo(new[] { target }));
    }
}
