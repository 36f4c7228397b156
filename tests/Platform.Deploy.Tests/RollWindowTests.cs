using Platform.Core;

namespace Platform.Deploy.Tests;

public sealed class RollWindowTests
{
    private static NodeOutcome Ok(int node) => new($"web-{node}", Outcome.Changed, "rolled");

    private static NodeOutcome Skipped(int node) => new($"web-{node}", Outcome.Skipped, "skipped");

    [Test]
    public async Task Never_more_than_the_width_in_flight_and_results_keep_the_roll_order()
    {
        var inFlight = 0;
        var most = 0;
        var outcomes = await RollWindow.RunAsync(Enumerable.Range(1, 12).ToList(), 3, async n =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Delay(5 + (n % 3 * 7));
            Interlocked.Decrement(ref inFlight);
            return Ok(n);
        }, Skipped, CancellationToken.None);

        Assert.That(most, Is.EqualTo(3));
        Assert.That(outcomes.Select(o => o.Node), Is.EqualTo(Enumerable.Range(1, 12).Select(n => $"web-{n}")));
    }

    [Test]
    public async Task A_freed_place_goes_to_the_next_node_without_waiting_for_the_slowest()
    {
        var slow = new TaskCompletionSource();
        var thirdStarted = new TaskCompletionSource();
        var run = RollWindow.RunAsync([1, 2, 3], 2, async n =>
        {
            if (n == 1)
            {
                await slow.Task;
            }

            if (n == 3)
            {
                thirdStarted.SetResult();
            }

            return Ok(n);
        }, Skipped, CancellationToken.None);

        // Node 2 finished at once: node 3 starts while node 1 is still rolling.
        Assert.That(await Task.WhenAny(thirdStarted.Task, Task.Delay(TimeSpan.FromSeconds(10))), Is.SameAs(thirdStarted.Task));
        Assert.That(run.IsCompleted, Is.False);
        slow.SetResult();
        Assert.That((await run).Select(o => o.Outcome), Is.All.EqualTo(Outcome.Changed));
    }

    [Test]
    public async Task After_a_failure_no_further_node_starts_and_those_in_flight_finish()
    {
        // Node 1 fails only once node 2 is in flight (otherwise node 2 would rightly be skipped too);
        // node 2 stays in flight until node 3 has been skipped, which happens only once node 1's failure counts.
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondMayEnd = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new List<int>();
        var outcomes = await RollWindow.RunAsync([1, 2, 3, 4], 2, async n =>
        {
            lock (started)
            {
                started.Add(n);
            }

            if (n == 1)
            {
                await secondStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
                return new NodeOutcome("web-1", Outcome.Failed, "not ready");
            }

            if (n == 2)
            {
                secondStarted.SetResult();
            }

            await secondMayEnd.Task.WaitAsync(TimeSpan.FromSeconds(30)); // a node 3 that started would wait here in vain
            return Ok(n);
        }, n =>
        {
            secondMayEnd.TrySetResult();
            return Skipped(n);
        }, CancellationToken.None);

        Assert.That(started, Is.EquivalentTo(new[] { 1, 2 }));
        Assert.That(outcomes.Select(o => o.Outcome), Is.EqualTo(new[] { Outcome.Failed, Outcome.Changed, Outcome.Skipped, Outcome.Skipped }));
    }

    [Test]
    public async Task A_stopped_roll_skips_every_node_not_started_lets_those_in_flight_end_and_ends_cancelled()
    {
        // Node 1 is in flight when the roll is stopped (its deadline, Ctrl+C); it ends by reverting (throwing).
        using var stop = new CancellationTokenSource();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstEnded = false;
        var skipped = new List<int>();
        var run = RollWindow.RunAsync([1, 2, 3, 4], 1, async n =>
        {
            firstStarted.SetResult();
            await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            firstEnded = true;
            throw new OperationCanceledException(stop.Token);
        }, n =>
        {
            lock (skipped)
            {
                skipped.Add(n);
            }

            return Skipped(n);
        }, stop.Token);

        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();

        Assert.That(async () => await run, Throws.InstanceOf<OperationCanceledException>(), "the run still ends as stopped (the deadline's message comes from it)");
        Assert.That(skipped, Is.EqualTo(new[] { 2, 3, 4 }), "every node not started is recorded, in roll order");
        Assert.That(firstEnded, Is.True, "the node in flight ended before the window did");
    }

    [Test]
    public async Task A_stop_after_every_node_started_keeps_the_outcomes_of_the_nodes_that_finished()
    {
        // The deadline runs out while the last node is in flight, and that node still finishes (its switch was done).
        using var stop = new CancellationTokenSource();
        var lastStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lastMayEnd = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = RollWindow.RunAsync([1, 2], 1, async n =>
        {
            if (n == 2)
            {
                lastStarted.SetResult();
                await lastMayEnd.Task;
            }

            return Ok(n);
        }, Skipped, stop.Token);

        await lastStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        lastMayEnd.SetResult();

        Assert.That((await run).Select(o => o.Outcome), Is.EqualTo(new[] { Outcome.Changed, Outcome.Changed }), "a roll that did finish is not reported as stopped");
    }

    [Test]
    public void A_roll_stopped_before_it_began_starts_no_node_and_skips_them_all()
    {
        var skipped = new List<int>();
        var started = 0;

        Assert.That(
            async () => await RollWindow.RunAsync([1, 2, 3], 2, n =>
            {
                Interlocked.Increment(ref started);
                return Task.FromResult(Ok(n));
            }, n =>
            {
                skipped.Add(n);
                return Skipped(n);
            }, new CancellationToken(canceled: true)),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(started, Is.Zero);
        Assert.That(skipped, Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public async Task A_width_below_one_is_refused() =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RollWindow.RunAsync([1], 0, n => Task.FromResult(Ok(n)), Skipped, CancellationToken.None));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
