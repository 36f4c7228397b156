using Platform.Core;

namespace Platform.Deploy;

/// <summary>What the nodes of one zero-downtime roll share.</summary>
internal sealed record RollInFlight(IReadOnlyList<NodeState> Order, IReadOnlyDictionary<string, Task> Prepared, HaproxyRuntime Lb, RollOptions Options, Recap Recap, List<Task> Finishing, CancellationToken Token) : IDisposable
{
    private readonly Dictionary<NodeState, NodeStart> _starts = [];

    /// <summary>N+1 started on the node's idle slot and awaited ready, once: asked for by the node's own roll and, ahead, by the roll of a node before it.</summary>
    public NodeStart StartOf(NodeState node, Func<NodeState, CancellationToken, Task<int>> start)
    {
        lock (_starts)
        {
            if (!_starts.TryGetValue(node, out var started))
            {
                var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
                _starts[node] = started = new NodeStart(cancel, start(node, cancel.Token));
            }

            return started;
        }
    }

    /// <summary>Notes that the node's start launched N+1 (so that a discard says it stopped something).</summary>
    public void MarkLaunched(NodeState node)
    {
        lock (_starts)
        {
            if (_starts.TryGetValue(node, out var started))
            {
                started.Launched = true;
            }
        }
    }

    /// <summary>The start of a node whose own roll has not taken it over, claimed for discarding (null: none).</summary>
    public NodeStart? ClaimUnturned(NodeState node)
    {
        lock (_starts)
        {
            return _starts.TryGetValue(node, out var started) && !started.Turned && !started.Discarded ? started.Discard() : null;
        }
    }

    /// <summary>Every start claimed for discarding now: nodes whose turn never came.</summary>
    public IReadOnlyList<(NodeState Node, NodeStart Start)> ClaimAllUnturned()
    {
        lock (_starts)
        {
            return [.. _starts.Where(kv => !kv.Value.Turned && !kv.Value.Discarded).Select(kv => (kv.Key, kv.Value.Discard()))];
        }
    }

    public void Finish(Task task)
    {
        lock (Finishing)
        {
            Finishing.Add(task);
        }
    }

    /// <summary>What is still running: stops, records, discards and starts.</summary>
    public IReadOnlyList<Task> Pending()
    {
        lock (Finishing)
        {
            lock (_starts)
            {
                return [.. Finishing, .. _starts.Values.Select(s => (Task)s.Task)];
            }
        }
    }

    public void Dispose()
    {
        lock (_starts)
        {
            foreach (var started in _starts.Values)
            {
                started.Dispose();
            }
        }
    }
}
