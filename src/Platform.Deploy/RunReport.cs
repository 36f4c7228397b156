using Platform.Core;
using Platform.Load;
using Platform.Reports;

namespace Platform.Deploy;

/// <summary>
/// What a deploy run's report says beside its phase timeline: each step's recap under its heading, as the
/// console printed it, and what the steps around the roll did; written once when the run ends.
/// </summary>
internal sealed class RunReport(RunContext run, PhaseTimeline timeline)
{
    // The recaps of every step of the run, in order.
    private readonly List<string> _recapLines = [];
    private readonly List<string> _steps = [];
    private Recap _recap = new();

    public void Note(string step)
    {
        lock (_steps)
        {
            _steps.Add(step);
        }
    }

    /// <summary>A fresh recap for the next step (each step prints its own), kept under <paramref name="title"/>.</summary>
    public Recap NewRecap(IEnumerable<string> hosts, string title)
    {
        KeepRecap();
        return _recap = new Recap(hosts) { Title = title };
    }

    // Which window the counts cover: the load runs before the timeline's first connection and after the report is drawn.
    private static string LoadSummary(IReadOnlyList<ReportLoadSecond> seconds) =>
        $"{seconds.Sum(s => s.Requests)} requests, {seconds.Sum(s => s.Failed)} failed" + (seconds.Count == 0 ? string.Empty
            : $", answered from {Math.Max(0, seconds[0].Second):0.0} s to {seconds[^1].Second + seconds[^1].Width:0.0} s of the timeline (the load's lead-in before the first connection and what it answered after this report was drawn are not counted here)");

    /// <summary>Writes <c>artifacts/&lt;env&gt;/reports/&lt;timestamp&gt;-&lt;target&gt;.md</c> and its <c>.png</c>: phases per node, recaps, load.</summary>
    public void Write(string target, string? version, LoadGenerator? load, bool succeeded, string? error)
    {
        KeepRecap();
        _recap = new Recap();
        // The load on the report's time axis, in samples of a second, or of a tenth for a run of seconds.
        var offset = load is null ? 0 : (load.StartedAt - timeline.StartedAt).TotalSeconds;
        var tenths = timeline.Now < 10 ? 1 : 10;
        var seconds = load?.Samples(tenths).Select(s => new ReportLoadSecond(s.Start + offset, s.Requests, s.Failed, s.Width)).Where(s => s.Second > -s.Width).ToList();
        var data = new DeployReportData(
            run.Environment,
            target,
            version ?? "-",
            timeline.StartedAt,
            timeline.Now,
            succeeded,
            error is null ? null : run.Redactor.Redact(error),
            timeline.Spans.Select(s => new ReportPhase(s.Node, s.Phase, s.StartSeconds, s.EndSeconds) { Ended = s.Ended }).ToList(),
            _recapLines,
            seconds,
            seconds is null ? null : LoadSummary(seconds))
        {
            Problems = run.Problems.Problems,
            OnlyNode = run.Arguments.Get("node"),
            Interrupted = !succeeded && run.Cancellation.IsCancellationRequested,
            Steps = Steps(),
            RunStartedAt = new DateTimeOffset(DateTime.SpecifyKind(run.StartedUtc, DateTimeKind.Utc)),
        };
        try
        {
            var (markdown, png) = DeployReportWriter.Write(data, run.Layout.ReportsDir);
            if (png is null)
            {
                run.Reporter.Warn($"Deploy report: {markdown}, without its timeline chart (see the report for why).");
            }
            else
            {
                run.Reporter.Info($"Deploy report: {markdown} (timeline {Path.GetFileName(png)})");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // A report that cannot be drawn must not fail a deploy that succeeded.
            run.Reporter.Warn($"The deploy report could not be written: {ex.Message}");
        }
    }

    // The report lists each step's recap under its heading, as the console does.
    private void KeepRecap()
    {
        if (_recap.Hosts.Count > 0)
        {
            _recapLines.Add(_recap.Title);
            _recapLines.AddRange(_recap.Lines().Select(l => "  " + l));
        }
    }

    private List<string> Steps()
    {
        lock (_steps)
        {
            return [.. _steps];
        }
    }
}
