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
    public async Task<T> MeasureAsync<T>(string node, string phase, Func<Task<T>> body)
    {
        var start = Now;
        try
        {
            return await body();
        }
        finally
        {
            _spans.Enqueue(new PhaseSpan(node, phase, start, Now));
        }
    }

    public async Task MeasureAsync(string node, string phase, Func<Task> body) =>
        await MeasureAsync(node, phase, async () =>
        {
            await body();
            return true;
        });
}
