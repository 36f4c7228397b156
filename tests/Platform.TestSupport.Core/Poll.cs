using System.Diagnostics;

namespace Platform.TestSupport;

/// <summary>
/// Waits for something that happens in another process (a lock taken, a key reloaded, a slot taken out) by asking
/// again after a short pause, for a bounded time. For a condition that is quick to ask and needs no await, NUnit's
/// <c>Is.True.After(ms, pollMs)</c> does the same.
/// </summary>
public static class Poll
{
    /// <summary>Asks <paramref name="condition"/> every <paramref name="every"/> until it holds; fails the test with <paramref name="failure"/> once <paramref name="within"/> has passed.</summary>
    /// <param name="whileWaiting">Run before each pause: an assertion that ends the wait early, when what is awaited can no longer happen.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan within, TimeSpan every, string failure, Action? whileWaiting = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            whileWaiting?.Invoke();
            if (waited.Elapsed >= within)
            {
                Assert.Fail(failure);
            }

            await Task.Delay(every);
        }
    }
}
