using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// Rolls nodes in order with at most <c>width</c> of them in flight (<c>--batch-size</c>): each
/// place a node frees goes to the next node at once, so a batch never waits for its slowest node.
/// After a failed node no further node starts (each is reported skipped); those in flight finish.
/// </summary>
public static class RollWindow
{
    public static async Task<NodeOutcome[]> RunAsync<T>(IReadOnlyList<T> nodes, int width, Func<T, Task<NodeOutcome>> roll, Func<T, NodeOutcome> skip, CancellationToken token)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        using var places = new SemaphoreSlim(width);
        var failed = 0;
        var rolls = new Task<NodeOutcome>[nodes.Count];
        try
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                await places.WaitAsync(token);
                if (Volatile.Read(ref failed) != 0)
                {
                    places.Release();
                    rolls[i] = Task.FromResult(skip(nodes[i]));
                    continue;
                }

                rolls[i] = RollOneAsync(nodes[i]);
            }
        }
        catch (OperationCanceledException)
        {
            // Nodes in flight end (or revert) before the places they release go away.
            await Task.WhenAll(rolls.Where(t => t is not null).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            throw;
        }

        return await Task.WhenAll(rolls);

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
