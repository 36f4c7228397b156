using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// Rolls nodes in order with at most <c>width</c> of them in flight (<c>--batch-size</c>): each
/// place a node frees goes to the next node at once, so a batch never waits for its slowest node.
/// After a failed node, or once the roll is stopped (its deadline, Ctrl+C), no further node starts
/// (each is reported skipped); those in flight finish. A stopped roll then ends in the cancellation.
/// </summary>
public static class RollWindow
{
    public static async Task<NodeOutcome[]> RunAsync<T>(IReadOnlyList<T> nodes, int width, Func<T, Task<NodeOutcome>> roll, Func<T, NodeOutcome> skip, CancellationToken token)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        using var places = new SemaphoreSlim(width);
        var failed = 0;
        var stopped = false;
        var rolls = new Task<NodeOutcome>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            var placed = await TakePlaceAsync();
            if (!placed || Volatile.Read(ref failed) != 0 || token.IsCancellationRequested)
            {
                if (placed)
                {
                    places.Release();
                }

                stopped |= token.IsCancellationRequested;

                // Every node of the roll gets an outcome: the report and recap count them all.
                rolls[i] = Task.FromResult(skip(nodes[i]));
                continue;
            }

            rolls[i] = RollOneAsync(nodes[i]);
        }

        if (stopped)
        {
            // Nodes in flight end (or revert) before the places they release go away; then the stop is reported as
            // such. A stop that came once every node had started leaves the outcomes to the nodes themselves.
            await Task.WhenAll(rolls.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            token.ThrowIfCancellationRequested();
        }

        return await Task.WhenAll(rolls);

        async Task<bool> TakePlaceAsync()
        {
            try
            {
                await places.WaitAsync(token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        async Task<NodeOutcome> RollOneAsync(T node)
        {
            try
            {
                var outcome = await roll(node);
                if (outcome.Outcome == Outcome.Failed)
                {
                    Interlocked.Exchange(ref failed, 1);
                }

                return outcome;
            }
            catch
            {
                Interlocked.Exchange(ref failed, 1);
                throw;
            }
            finally
            {
                places.Release();
            }
        }
    }
}
