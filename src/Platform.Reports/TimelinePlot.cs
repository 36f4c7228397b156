using ScottPlot;

namespace Platform.Reports;

/// <summary>The upper panel: one lane per node, each phase a bar from its start to its end.</summary>
internal static class TimelinePlot
{
    private const double BarThickness = 0.6; // of a lane, so neighbouring lanes stay apart

    public static Plot Create(DeployReportData data, double endSeconds)
    {
        var plot = new Plot();
        var nodes = NodeOrder.Of(data.Phases);
        var phases = PhaseOrder.Of(data.Phases);
        var colors = PhaseColors.For(phases);

        // ScottPlot's Y grows upwards; the first node goes on top so the chart reads like the table.
        var lanes = nodes.Select((node, index) => (node, lane: nodes.Count - 1 - index)).ToDictionary(x => x.node, x => (double)x.lane, StringComparer.Ordinal);

        // One BarPlot per phase, so each phase has one color and one legend entry.
        foreach (var phase in phases)
        {
            var spans = data.Phases.Where(p => p.Phase == phase).ToList();
            Bar[] bars = [.. spans.Select(p => new Bar
            {
                Position = lanes[p.Node],
                ValueBase = p.StartSeconds,
                Value = p.EndSeconds,
                Size = BarThickness,
                Orientation = Orientation.Horizontal,
            })];
            var barPlot = plot.Add.Bars(bars);
            barPlot.Horizontal = true;
            barPlot.Color = colors[phase];
            barPlot.LegendText = phase;
            // A phase that failed or was stopped keeps its phase's colour, outlined and hatched in red and named on the bar.
            foreach (var (bar, span) in bars.Zip(spans).Where(b => b.Second.Ended is not null))
            {
                bar.LineColor = PhaseColors.Failed;
                bar.LineWidth = 2;
                bar.FillHatch = new ScottPlot.Hatches.Striped();
                bar.FillHatchColor = PhaseColors.Failed.WithAlpha(0.6);
                bar.Label = span.Ended!;
                bar.CenterLabel = true;
            }
        }

        plot.Title($"{data.Heading} on {data.Environment}{(data.OnlyNode is { } only ? $" ({only} only)" : string.Empty)}{(data.Succeeded ? string.Empty : $": {data.Result.ToUpperInvariant()}")}");
        plot.XLabel("seconds since start");
        plot.Axes.Left.SetTicks([.. lanes.Values], [.. lanes.Keys]);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.YAxisStyle.IsVisible = false; // lanes are labelled; lines through the bars would only clutter
        plot.Axes.SetLimits(0, endSeconds, -0.5, Math.Max(nodes.Count, 1) - 0.5);
        ChartStyle.Apply(plot);
        return plot;
    }
}
