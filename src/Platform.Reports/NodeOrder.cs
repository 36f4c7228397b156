namespace Platform.Reports;

/// <summary>
/// Hosts by name, numbers in names compared as numbers (web-2 before web-10): the inventory's order
/// and a one-at-a-time roll's. Not by first appearance: every host connects at once when the run
/// begins, so which span ends first is a matter of timing.
/// </summary>
internal static class NodeOrder
{
    public static IReadOnlyList<string> Of(IEnumerable<ReportPhase> phases) =>
        [.. phases.Select(p => p.Node).Distinct(StringComparer.Ordinal).Order(NaturalNames.Comparer)];
}
