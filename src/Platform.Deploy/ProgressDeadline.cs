using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// Runs a roll or a stage under <c>--progress-deadline</c>, counted from its first step (asking the
/// nodes included): however far it got, running out of time is reported as such, not as a bare cancellation.
/// </summary>
internal static class ProgressDeadline
{
    public static async Task<RollResult> RunAsync(RunContext run, RollOptions options, string what, Func<CancellationToken, Task<RollResult>> work)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(run.Cancellation);
        deadline.CancelAfter(options.ProgressDeadline);
        try
        {
            return await work(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !run.Cancellation.IsCancellationRequested)
        {
            var limit = options.ProgressDeadline;
            var said = limit < TimeSpan.FromMinutes(2) ? $"{limit.TotalSeconds:0.###} s" : $"{limit.TotalMinutes:0.#} min";
            throw new PlatformException($"The {what} did not finish within its progress deadline ({said}, --progress-deadline). Nodes keep the release they run now.");
        }
    }
}
