using ScottPlot;

namespace Platform.Reports;

/// <summary>The lower panel: requests and failed requests per second under the same time axis as the timeline.</summary>
internal static class LoadPlot
{
    public static Plot Create(IReadOnlyList<ReportLoadSecond> load, double endSeconds)
    {
        var plot = new Plot();
        if (load.Count > 0)
        {
            // Each sample drawn at its middle, as a rate, whatever its width.
            double[] seconds = [.. load.Select(s => s.Second + (s.Width / 2))];
            var requests = plot.Add.ScatterLine(seconds, [.. load.Select(s => s.RequestsPerSecond)], Color.FromHex("#4E79A7"));
            requests.LegendText = "requests/s";
            requests.LineWidth = 2;
            var failed = plot.Add.ScatterLine(seconds, [.. load.Select(s => s.FailedPerSecond)], Colors.Red);
            failed.LegendText = "failed requests/s";
            failed.LineWidth = 2;
            // Against hundreds of requests a single failure is under a pixel high: mark every failing second.
            double[] failingSeconds = [.. load.Where(s => s.Failed > 0).Select(s => s.Second + (s.Width / 2))];
            double[] failingCounts = [.. load.Where(s => s.Failed > 0).Select(s => s.FailedPerSecond)];
            if (failingSeconds.Length > 0)
                plot.Add.ScatterPoints(failingSeconds, failingCounts, Colors.Red).MarkerSize = 7;
        }

        plot.XLabel("seconds since start");
        plot.YLabel("requests/s");
        // Headroom above the busiest second, and a little below zero so the failed line is not hidden by the frame.
        var top = load.Count == 0 ? 1 : Math.Max(1, load.Max(s => s.RequestsPerSecond)) * 1.15;
        plot.Axes.SetLimits(0, endSeconds, -top * 0.03, top);
        ChartStyle.Apply(plot);
        return plot;
    }
}
