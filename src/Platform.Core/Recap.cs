using System.Collections.Concurrent;

namespace Platform.Core;

/// <summary>What one step did on one host.</summary>
public enum Outcome
{
    /// <summary>Already as wanted: nothing to do.</summary>
    Ok,

    /// <summary>Changed (or, in check mode, would change).</summary>
    Changed,

    Failed,

    Skipped,
}

/// <summary>
/// Per-host tally of step outcomes, printed at the end of a run like Ansible's PLAY RECAP:
/// <c>web-1  ok=3 changed=1 failed=0 skipped=0</c>.
/// </summary>
public sealed class Recap
{
    private readonly ConcurrentDictionary<string, int[]> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly ConcurrentDictionary<string, string> _ends = new(StringComparer.Ordinal);

    public Recap()
    {
    }

    /// <summary>A recap that lists <paramref name="hosts"/> in this order, whatever order they finish in.</summary>
    public Recap(IEnumerable<string> hosts)
    {
        foreach (var host in hosts)
        {
            CountsOf(host);
        }
    }

    public void Record(string host, Outcome outcome) => Interlocked.Increment(ref CountsOf(host)[(int)outcome]);

    /// <summary>
    /// Says how the host ended in this step (<c>rolled</c>, <c>skipped: the roll was stopped</c>), shown at the end
    /// of its line: the counts alone do not tell a node put back from one that failed, or why one was not touched.
    /// </summary>
    public void Conclude(string host, string end)
    {
        CountsOf(host);
        _ends[host] = end;
    }

    /// <summary>How the host ended in this step (null: not said).</summary>
    public string? EndOf(string host) => _ends.TryGetValue(host, out var end) ? end : null;

    /// <summary>Says what a step did on a host (<c>[start] web-1: changed (…)</c>) and tallies it.</summary>
    public void Report(IReporter reporter, string host, string task, Outcome outcome, string detail)
    {
        reporter.Info($"[{task}] {host}: {outcome.ToString().ToLowerInvariant()} ({detail})");
        Record(host, outcome);
    }

    // A host is listed from the first time it is named, in that order.
    private int[] CountsOf(string host) => _counts.GetOrAdd(host, h =>
    {
        _order.Enqueue(h);
        return new int[4];
    });

    public int Count(string host, Outcome outcome) => _counts.TryGetValue(host, out var c) ? c[(int)outcome] : 0;

    public int Total(Outcome outcome) => _counts.Values.Sum(c => c[(int)outcome]);

    public bool HasFailures => Total(Outcome.Failed) > 0;

    public IReadOnlyList<string> Hosts => _order.ToArray();

    /// <summary>The heading it is printed under (and listed under in the deploy report).</summary>
    public string Title { get; init; } = "RECAP";

    public IEnumerable<string> Lines()
    {
        var width = Hosts.Count == 0 ? 0 : Hosts.Max(h => h.Length);
        foreach (var host in Hosts)
        {
            var c = _counts[host];
            var end = EndOf(host) is { } said ? "  " + said : string.Empty;
            yield return $"{host.PadRight(width)}  ok={c[0]} changed={c[1]} failed={c[2]} skipped={c[3]}{end}";
        }
    }

    /// <summary>The recap's heading for a target: <c>ROLLNODE RECAP</c>, marked in check mode (a dry run's tally is of what it would do).</summary>
    public static string TitleFor(string target, bool checkMode) => $"{target.ToUpperInvariant()} RECAP{(checkMode ? " (check mode)" : string.Empty)}";

    public void Print(IReporter reporter, string? title = null)
    {
        reporter.Info(title ?? Title);
        foreach (var line in Lines())
        {
            reporter.Info("  " + line);
        }
    }
}
