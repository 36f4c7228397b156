using Platform.Reports;

namespace Platform.Reports.Tests;

/// <summary>Report data for the tests: a hand-made small deploy, and generated rolls of any size.</summary>
internal static class SampleReports
{
    public static readonly DateTimeOffset StartedAt = new(2025, 3, 7, 14, 5, 9, TimeSpan.FromHours(2));

    public static DeployReportData Create(IReadOnlyList<ReportPhase> phases, IReadOnlyList<ReportLoadSecond>? load = null, double duration = 40) =>
        new(
            Environment: "staging",
            Target: "catalog",
            Version: "1.4.2",
            StartedAt: StartedAt,
            DurationSeconds: duration,
            Succeeded: true,
            Error: null,
            Phases: phases,
            RecapLines: ["web-1  ok=3 changed=2 failed=0 skipped=0", "web-2  ok=3 changed=2 failed=0 skipped=1"],
            Load: load,
            LoadSummary: load is null ? null : "12000 requests in 40.0 s (300/s), 0 failed, p50 2.1 ms, p99 9.0 ms");

    /// <summary>A rolling deploy: all uploads in parallel, then one node at a time through start, ready, drain, stop and verify.</summary>
    public static IReadOnlyList<ReportPhase> Roll(int nodes)
    {
        var phases = new List<ReportPhase>();
        for (var i = 0; i < nodes; i++)
            phases.Add(new($"web-{i + 1}", "upload", 0, 2 + 0.3 * i));
        var t = 2 + 0.3 * nodes;
        for (var i = 0; i < nodes; i++)
        {
            foreach (var (phase, seconds) in new[] { ("start", 1.5), ("ready", 3.0), ("drain", 2.0), ("stop", 0.8), ("verify", 1.2) })
            {
                phases.Add(new($"web-{i + 1}", phase, t, t + seconds));
                t += seconds;
            }
        }
        return phases;
    }

    /// <summary>Steady load with a short burst of failures in the middle.</summary>
    public static IReadOnlyList<ReportLoadSecond> Load(int seconds) =>
        [.. Enumerable.Range(0, seconds).Select(s => new ReportLoadSecond(s, 290 + s % 7 * 3, s == seconds / 2 ? 12 : s == seconds / 2 + 1 ? 4 : 0))];
}
