using System.Collections.Concurrent;
using System.Diagnostics;

namespace Platform.Deploy;

/// <summary>
/// One phase of one host's part in a run, in seconds since the run began: the SSH connection
/// (connect), the deploy lock (lock, on the lb host), asking the node what it runs (discover), then
/// the roll itself (upload, start, ready, drain, verify, stop).
/// </summary>
public sealed record PhaseSpan(string Node, string Phase, double StartSeconds, double EndSeconds)
{
    public double Seconds => EndSeconds - StartSeconds;

    /// <summary>How the phase ended when not as it should: <c>failed</c> (it threw), <c>stopped</c> (cancelled: the roll was stopped, or Ctrl+C); null when it completed.</summary>
    public string? Ended { get; init; }
}

/// <summary>Records how long each phase of each node took, for the deploy report and the benchmark.</summary>
public sealed class PhaseTimeline
{
    private readonly ConcurrentQueue<PhaseSpan> _spans = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public double Now => _clock.Elapsed.TotalSeconds;

    public IReadOnlyList<PhaseSpan> Spans => _spans.ToArray();

    /// <summary>Times <paramref name="body"/> as one phase of one node (recorded even when it fails).</summary>
    /// <param name="judge">For a body that reports a failure rather than throwing it: "failed" (or another mark) from its result, null when it went well.</param>
    public async Task<T> MeasureAsync<T>(string node, string phase, Func<Task<T>> body, Func<T, string?>? judge = null)
    {
        var start = Now;
        string? ended = "failed";
        try
        {
            var result = await body();
            ended = judge?.Invoke(result);
            return result;
        }
        catch (OperationCanceledException)
        {
            ended = "stopped";
            throw;
        }
        finally
        {
            _spans.Enqueue(new PhaseSpan(node, phase, start, Now) { Ended = ended });
        }
    }

    public async Task MeasureAsync(string node, string phase, Func<Task> body) =>
        await MeasureAsync(node, phase, async () =>
        {
            await body();
            return true;
        });
}
