namespace Platform.Reports;

/// <summary>The per-node view of the phases that the Markdown table shows.</summary>
internal sealed class PhaseDurations
{
    private readonly IReadOnlyList<ReportPhase> _phases;

    public PhaseDurations(IReadOnlyList<ReportPhase> phases)
    {
        _phases = phases;
        Nodes = NodeOrder.Of(phases);
        Phases = PhaseOrder.Of(phases);
    }

    public IReadOnlyList<string> Nodes { get; }

    public IReadOnlyList<string> Phases { get; }

    /// <summary>Seconds the node spent in the phase, or null when it had no such phase. A phase run twice (a retry) counts both times.</summary>
    public double? Of(string node, string phase)
    {
        var matching = _phases.Where(p => p.Node == node && p.Phase == phase).ToList();
        return matching.Count == 0 ? null : matching.Sum(p => p.DurationSeconds);
    }

    /// <summary>How the node's phase ended when not as it should (the last time it ran: a retry that succeeded clears it), or null.</summary>
    public string? EndedOf(string node, string phase) =>
        _phases.Where(p => p.Node == node && p.Phase == phase).MaxBy(p => p.EndSeconds)?.Ended;

    /// <summary>Whether any phase failed or was stopped (the table then explains its marks).</summary>
    public bool AnyEnded => _phases.Any(p => p.Ended is not null);

    /// <summary>Wall time of the node's roll, from the start of its first phase to the end of its last; gaps between phases count.</summary>
    public double TotalOf(string node)
    {
        var own = _phases.Where(p => p.Node == node).ToList();
        return own.Max(p => p.EndSeconds) - own.Min(p => p.StartSeconds);
    }

    /// <summary>The largest cell of the table (a phase run twice counts both times, as its cell does), or null when there were none.</summary>
    public (string Node, string Phase, double Seconds)? Slowest =>
        _phases.Count == 0
            ? null
            : Nodes.SelectMany(n => Phases.Select(p => (Node: n, Phase: p, Seconds: Of(n, p)))).Where(c => c.Seconds is not null)
                .Select(c => (c.Node, c.Phase, Seconds: c.Seconds!.Value)).MaxBy(c => c.Seconds);
}
