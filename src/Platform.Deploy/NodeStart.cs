namespace Platform.Deploy;

/// <summary>N+1 starting (or started) on a node's idle slot; cancelled when the node's turn will not come.</summary>
internal sealed class NodeStart(CancellationTokenSource cancel, Task<int> task) : IDisposable
{
    public Task<int> Task => task;

    /// <summary>The node's own roll took it over (it switches, or reverts, from here).</summary>
    public bool Turned { get; set; }

    public bool Discarded { get; private set; }

    /// <summary>The start command ran: a process of N+1 was launched on the idle slot (it may since have failed its readiness).</summary>
    public bool Launched { get; set; }

    public NodeStart Discard()
    {
        Discarded = true;
        cancel.Cancel();
        return this;
    }

    public void Dispose() => cancel.Dispose();
}
