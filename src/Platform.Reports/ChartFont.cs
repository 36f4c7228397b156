using ScottPlot;

namespace Platform.Reports;

/// <summary>
/// A sans-serif font that exists on this machine. ScottPlot's default family comes from the system's
/// default typeface, which on a headless Linux with only DejaVu installed is DejaVu Serif.
/// </summary>
internal static class ChartFont
{
    private static readonly string[] Preferred = ["DejaVu Sans", "Liberation Sans", "Helvetica Neue", "Helvetica", "Arial"];

    // ScottPlot falls back to its default for a missing family, so "found" means it returned the family asked for.
    public static string Sans { get; } =
        Preferred.FirstOrDefault(name => Fonts.GetTypeface(name, bold: false, italic: false).FamilyName == name) ?? Fonts.Default;
}
