using ScottPlot;
using ScottPlot.TickGenerators;

namespace Platform.Reports;

/// <summary>What both panels share: font, invariant tick labels and a legend outside the data area.</summary>
internal static class ChartStyle
{
    public static void Apply(Plot plot)
    {
        plot.Font.Set(ChartFont.Sans);
        // ScottPlot formats ticks with the current culture; the report must not depend on the operator's.
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { LabelFormatter = InvariantNumbers.Tick };
        if (plot.Axes.Left.TickGenerator is NumericAutomatic)
            plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = InvariantNumbers.Tick, IntegerTicksOnly = true };
        // Outside on the right, so the legend never hides a bar or a spike of failures. Only when there is
        // something to list: an empty legend panel measures NaN wide and the whole figure renders blank.
        if (plot.Legend.GetItems().Length > 0)
            plot.ShowLegend(Edge.Right);
    }
}
