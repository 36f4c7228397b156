namespace Platform.Core;

/// <summary>
/// Says that a long wait is still going (every <c>every</c>, with the time waited so far) until it
/// ends: a readiness wait may last its whole timeout, and a run that prints nothing for half a minute
/// looks hung. Quick waits, the usual case, print nothing.
/// </summary>
public static class ProgressTicker
{
    public static async Task<T> WhileAsync<T>(Func<Task<T>> wait, TimeSpan every, Action<TimeSpan> report, CancellationToken cancellation = default)
    {
        var started = DateTime.UtcNow;
        var task = wait();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var timer = new PeriodicTimer(every);
        var ticking = TickAsync(timer, started, report, stop.Token);
        try
        {
            return await task;
        }
        finally
        {
            await stop.CancelAsync();
            await ticking;
        }
    }

    private static async Task TickAsync(PeriodicTimer timer, DateTime started, Action<TimeSpan> report, CancellationToken stop)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                report(DateTime.UtcNow - started);
            }
        }
        catch (OperationCanceledException)
        {
            // The wait ended (or the run was interrupted): no more ticks.
        }
    }
}
