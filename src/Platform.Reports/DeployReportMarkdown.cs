using System.Globalization;
using System.Text;

namespace Platform.Reports;

/// <summary>The Markdown half of the deploy report: the facts an operator reads first, the chart linked below.</summary>
public static class DeployReportMarkdown
{
    /// <summary>Shown in a table cell for a phase the node did not go through.</summary>
    public const string Missing = "–";

    /// <param name="chartProblem">Why the timeline chart could not be drawn, said in its place; null when it was.</param>
    public static string Render(DeployReportData data, string? chartProblem = null)
    {
        var md = new StringBuilder();
        md.AppendLine($"# Deploy report: {data.Heading} on {data.Environment}").AppendLine();
        md.AppendLine($"- Result: **{data.Result}**");
        if (data.OnlyNode is { } only)
            md.AppendLine($"- Only {only} (--node={only}); the other hosts were only connected to");
        md.AppendLine($"- Started: {data.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
        md.AppendLine($"- Duration: {InvariantNumbers.Seconds(data.DurationSeconds)} s");
        // The timeline starts at the first SSH connection; what ran before it (Package, Apply) counts in the whole run.
        if (data.RunStartedAt is { } runStarted && (data.StartedAt - runStarted).TotalSeconds >= 1)
        {
            var whole = (data.StartedAt - runStarted).TotalSeconds + data.DurationSeconds;
            md.AppendLine($"- Whole run: {InvariantNumbers.Seconds(whole)} s (the steps before the first connection included, e.g. Package and Apply)");
        }

        md.AppendLine();
        if (data.Steps.Count > 0)
        {
            md.AppendLine("## Steps").AppendLine();
            foreach (var step in data.Steps)
                md.AppendLine($"- {step}");
            md.AppendLine();
        }

        if (!string.IsNullOrWhiteSpace(data.Error))
            AppendCodeBlock(md, "Error", [data.Error]);
        if (data.Problems.Count > 0)
            AppendCodeBlock(md, "Warnings and errors", data.Problems);
        AppendPhases(md, new PhaseDurations(data.Phases));
        // A run that failed before any step recapped (the lock refused, a node unreachable) has nothing to show here.
        if (data.RecapLines.Count > 0)
            AppendCodeBlock(md, "Recap", data.RecapLines);
        if (data.Load is not null)
            AppendLoad(md, data.Load, data.LoadSummary);
        md.AppendLine("## Timeline").AppendLine();
        md.AppendLine(chartProblem is null
            ? $"![timeline]({ReportFileNames.Png(data)})"
            : $"The timeline chart could not be drawn on this machine ({chartProblem}); the table above has every phase.");
        return md.ToString();
    }

    private static void AppendPhases(StringBuilder md, PhaseDurations durations)
    {
        md.AppendLine("## Phases (seconds)").AppendLine();
        if (durations.Nodes.Count == 0)
        {
            md.AppendLine("No phases were recorded.").AppendLine();
            return;
        }
        md.AppendLine(Row(["Node", .. durations.Phases, "Total"]));
        md.AppendLine(Row(["---", .. durations.Phases.Select(_ => "---:"), "---:"]));
        foreach (var node in durations.Nodes)
        {
            var cells = durations.Phases.Select(phase => durations.Of(node, phase) is { } seconds
                ? InvariantNumbers.Seconds(seconds) + (durations.EndedOf(node, phase) is { } ended ? $" ({ended})" : string.Empty)
                : Missing);
            md.AppendLine(Row([node, .. cells, InvariantNumbers.Seconds(durations.TotalOf(node))]));
        }
        var slowest = durations.Slowest!.Value;
        md.AppendLine().AppendLine($"Slowest phase: {slowest.Phase} on {slowest.Node} ({InvariantNumbers.Seconds(slowest.Seconds)} s)").AppendLine();
        // Totals are wall time, so they exceed the sum of their row wherever a node waited between phases.
        md.AppendLine("Total: from the start of the node's first phase to the end of its last, the waits between them included (its turn in the roll, the nodes ahead of it).").AppendLine();
        if (durations.AnyEnded)
            md.AppendLine("(failed): the phase failed; (stopped): it was cut short, because the roll was stopped (another node failed) or interrupted.").AppendLine();
    }

    private static void AppendLoad(StringBuilder md, IReadOnlyList<ReportLoadSecond> load, string? summary)
    {
        md.AppendLine("## Load").AppendLine();
        if (!string.IsNullOrWhiteSpace(summary))
            md.AppendLine(summary).AppendLine();
        // The earliest of equally bad seconds: the first sign of trouble is the one to look for in the logs.
        var worst = load.Where(s => s.Failed > 0).OrderByDescending(s => s.Failed).ThenBy(s => s.Second).FirstOrDefault();
        // Samples of a second, or tenths for a short run.
        var (span, at) = load.Count > 0 && load[0].Width < 1 ? ($"{InvariantNumbers.Number(load[0].Width)} s", "from ") : ("second", string.Empty);
        md.AppendLine(worst is null
            ? $"Worst {span}: none, no request failed."
            : $"Worst {span}: {at}{InvariantNumbers.Number(worst.Second)} s, {InvariantNumbers.Integer(worst.Failed)} of {InvariantNumbers.Integer(worst.Requests)} requests failed.");
        md.AppendLine();
    }

    // A node name is free text: a pipe in it would split the cell.
    private static string Row(IEnumerable<string> cells) => "| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |";

    private static void AppendCodeBlock(StringBuilder md, string heading, IEnumerable<string> lines)
    {
        var text = string.Join(Environment.NewLine, lines).ReplaceLineEndings();
        // A fence longer than any backtick run in the text, so an error message cannot close it early.
        var fence = new string('`', Math.Max(3, LongestBacktickRun(text) + 1));
        md.AppendLine($"## {heading}").AppendLine();
        md.AppendLine(fence).AppendLine(text).AppendLine(fence).AppendLine();
    }

    private static int LongestBacktickRun(string text)
    {
        int longest = 0, run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }
}
