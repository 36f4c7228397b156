namespace Platform.Reports;

/// <summary>
/// The order phases are shown in, in the table and in the chart legend: a node's roll in the
/// order it happens, then any other phase alphabetically so the order never depends on timing.
/// </summary>
internal static class PhaseOrder
{
    public static IReadOnlyList<string> Canonical { get; } = ["upload", "start", "ready", "drain", "stop", "verify"];

    public static IReadOnlyList<string> Of(IEnumerable<ReportPhase> phases)
    {
        var present = phases.Select(p => p.Phase).ToHashSet(StringComparer.Ordinal);
        var known = Canonical.Where(present.Contains);
        var others = present.Except(Canonical, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return [.. known, .. others];
    }
}
