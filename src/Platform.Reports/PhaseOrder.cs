namespace Platform.Reports;

/// <summary>
/// The order phases are shown in, in the table and in the chart legend: a run's setup (connection,
/// lock, asking the node) and a node's roll in the order they happen, then any other phase
/// alphabetically so the order never depends on timing.
/// </summary>
internal static class PhaseOrder
{
    public static IReadOnlyList<string> Canonical { get; } = ["connect", "lock", "discover", "upload", "start", "ready", "drain", "stop", "verify", "checks"];

    public static IReadOnlyList<string> Of(IEnumerable<ReportPhase> phases)
    {
        var present = phases.Select(p => p.Phase).ToHashSet(StringComparer.Ordinal);
        var known = Canonical.Where(present.Contains);
        var others = present.Except(Canonical, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return [.. known, .. others];
    }
}
