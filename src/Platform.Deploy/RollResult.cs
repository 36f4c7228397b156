using Platform.Core;

namespace Platform.Deploy;

/// <summary>What happened on one node.</summary>
public sealed record NodeOutcome(string Node, Outcome Outcome, string Detail);

/// <summary>The result of a roll: one outcome per node.</summary>
public sealed record RollResult(IReadOnlyList<NodeOutcome> Nodes)
{
    public bool Succeeded => Nodes.All(n => n.Outcome != Outcome.Failed);

    public IEnumerable<NodeOutcome> Failed => Nodes.Where(n => n.Outcome == Outcome.Failed);
}
