using Platform.Core;

namespace Platform.Deploy;

/// <summary>A node could not be moved to the new release; it was put back on the one it ran.</summary>
public sealed class NodeRollException(string node, string phase, string detail)
    : PlatformException($"{node}: {phase} failed: {detail}")
{
    public string Node { get; } = node;

    public string Phase { get; } = phase;
}
