using Platform.Core;
using ScottPlot;

namespace Platform.Reports;

/// <summary>
/// The PNG half of the deploy report: the timeline of every node's phases and, when load was
/// measured, requests and failures per second underneath on the same time axis.
/// </summary>
/// <remarks>
/// The two panels are two ScottPlot plots in one <see cref="Multiplot"/> with fixed row heights
/// (<see cref="StackedRowsLayout"/>), both given the same X limits and the same side margins
/// (<see cref="DataAreaAligner"/>), so a second in one panel sits exactly above the same second in the other.
/// Multiplot rather than two PNGs stacked by hand keeps SkiaSharp out of this code; its SharedAxes is not
/// needed, since a static image just sets both panels' limits once.
/// Rendering is SkiaSharp on a raster surface in memory: no display needed.
/// </remarks>
public static class TimelineChart
{
    public const int Width = 1200;
    public const int LoadPanelHeight = 250;

    public static int TimelineHeight(int nodeCount) => 200 + 40 * nodeCount;

    public static int Height(DeployReportData data) =>
        TimelineHeight(NodeOrder.Of(data.Phases).Count) + (data.Load is null ? 0 : LoadPanelHeight);

    /// <summary>Renders the chart and writes it to <paramref name="pngPath"/> atomically.</summary>
    public static void Render(DeployReportData data, string pngPath) => AtomicFile.WriteAllBytes(pngPath, RenderPng(data));

    public static byte[] RenderPng(DeployReportData data)
    {
        var end = EndSeconds(data);
        List<(Plot Plot, int Height)> panels = [(TimelinePlot.Create(data, end), TimelineHeight(NodeOrder.Of(data.Phases).Count))];
        if (data.Load is not null)
            panels.Add((LoadPlot.Create(data.Load, end), LoadPanelHeight));
        try
        {
            DataAreaAligner.Align(panels, Width);
            var multiplot = new Multiplot(panels[0].Plot) { Layout = new StackedRowsLayout([.. panels.Select(p => p.Height)]) };
            foreach (var (plot, _) in panels.Skip(1))
                multiplot.AddPlot(plot);
            using var image = multiplot.Render(Width, panels.Sum(p => p.Height));
            return image.GetImageBytes(ImageFormat.Png, 100);
        }
        finally
        {
            foreach (var (plot, _) in panels)
                plot.Dispose();
        }
    }

    // The shared time axis covers the whole run: the last phase, the last load second, or the run's duration.
    private static double EndSeconds(DeployReportData data)
    {
        var phasesEnd = data.Phases.Count == 0 ? 0 : data.Phases.Max(p => p.EndSeconds);
        var loadEnd = data.Load is { Count: > 0 } load ? load.Max(s => s.Second + s.Width) : 0;
        return Math.Max(1, Math.Max(data.DurationSeconds, Math.Max(phasesEnd, loadEnd)));
    }
}
