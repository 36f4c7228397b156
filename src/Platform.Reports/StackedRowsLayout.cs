using ScottPlot;

namespace Platform.Reports;

/// <summary>
/// Stacks a Multiplot's plots top to bottom with fixed pixel heights. ScottPlot's own Rows layout
/// splits the height evenly, but the timeline grows with the node count while the load panel does not.
/// </summary>
internal sealed class StackedRowsLayout(IReadOnlyList<int> heights) : IMultiplotLayout
{
    public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figureRect)
    {
        var rects = new PixelRect[subplots.Count];
        var top = figureRect.Top;
        for (var i = 0; i < rects.Length; i++)
        {
            rects[i] = new PixelRect(figureRect.Left, figureRect.Right, top + heights[i], top);
            top += heights[i];
        }
        return rects;
    }
}
