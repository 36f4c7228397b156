namespace Platform.Reports;

/// <summary>Nodes in the order they first appear: the order they were rolled.</summary>
internal static class NodeOrder
{
    public static IReadOnlyList<string> Of(IEnumerable<ReportPhase> phases) =>
        [.. phases.Select(p => p.Node).Distinct(StringComparer.Ordinal)];
}
