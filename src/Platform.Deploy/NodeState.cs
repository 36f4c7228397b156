namespace Platform.Deploy;

/// <summary>What runs on a node now, according to the node itself and HAProxy.</summary>
internal sealed record NodeState(NodeSession Node, NodeProbe Probe, bool UpToDate, IReadOnlyList<ServerStat> Stats)
{
    public NodeRelease? Current => Probe.Current;

    public int? ActiveSlot => Probe.ActiveSlot;

    /// <summary>
    /// The slot N+1 starts on: the one not serving; when nothing serves because the recorded slot's
    /// process died, that slot itself (its start clears what the dead process left, and its server is
    /// the one taken back into the pool: starting on the other would leave the dead one in it).
    /// </summary>
    public int IdleSlot(IReadOnlyList<int> ports) => ActiveSlot switch
    {
        { } active => active == ports[0] ? ports[1] : ports[0],
        null when Current is { } c && ports.Contains(c.Slot) => c.Slot,
        null => ports[0],
    };

}
