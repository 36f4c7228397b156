using ScottPlot;

namespace Platform.Reports;

/// <summary>
/// Gives stacked plots the same left and right margins. ScottPlot sizes each plot's margins to its
/// own tick labels and legend (node names in one, request counts in the other), so without this the
/// shared time axis would start and end at different pixels in each panel.
/// </summary>
internal static class DataAreaAligner
{
    public static void Align(IReadOnlyList<(Plot Plot, int Height)> panels, int width)
    {
        var margins = panels.Select(panel =>
        {
            // A first render in memory is the only way to learn the margins ScottPlot would choose.
            panel.Plot.RenderInMemory(width, panel.Height);
            var figure = panel.Plot.LastRender.FigureRect;
            var data = panel.Plot.LastRender.DataRect;
            return new PixelPadding(data.Left - figure.Left, figure.Right - data.Right, figure.Bottom - data.Bottom, data.Top - figure.Top);
        }).ToList();
        var left = margins.Max(m => m.Left);
        var right = margins.Max(m => m.Right);
        for (var i = 0; i < panels.Count; i++)
            panels[i].Plot.Layout.Fixed(new PixelPadding(left, right, margins[i].Bottom, margins[i].Top));
    }
}
