using System.Globalization;
using System.Text;

namespace Platform.Bench;

/// <summary>artifacts/bench/report.md: the figures, the runs behind them, and each target met or missed.</summary>
public static class BenchReport
{
    public static string Render(BenchResults r)
    {
        var md = new StringBuilder();
        string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        md.AppendLine("# Platform benchmark").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{r.Created:yyyy-MM-dd HH:mm} UTC on {r.Machine}; every figure is the median of {r.Runs} runs.").AppendLine();
        md.AppendLine("| Measure | Median | Runs |").AppendLine("| --- | --- | --- |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Deploy from scratch (s) | {F(r.DeployFromScratchSeconds)} | {string.Join(", ", r.DeployFromScratchRuns.Select(F))} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| No-op deploy (s) | {F(r.NoopDeploySeconds)} | {string.Join(", ", r.NoopDeployRuns.Select(F))} |");
        if (r.Roll.StageSeconds is { } staged)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| Stage N+1 on 3 nodes, just before the roll (s) | {F(staged)} | {string.Join(", ", r.RollRuns.Select(x => x.StageSeconds is { } t ? F(t) : "-"))} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| Roll N→N+1, 3 nodes (s) | {F(r.Roll.Seconds)} | {string.Join(", ", r.RollRuns.Select(x => F(x.Seconds)))} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Roll requests / failed (worst run), whole load window ({F(r.Roll.LoadSeconds)} s) | {r.Roll.Requests} / {r.Roll.Failed} | {string.Join(", ", r.RollRuns.Select(x => $"{x.Requests}/{x.Failed}"))} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Roll requests / failed (worst run), during the roll | {r.Roll.RequestsDuringRoll} / {r.Roll.FailedDuringRoll} | {string.Join(", ", r.RollRuns.Select(x => $"{x.RequestsDuringRoll}/{x.FailedDuringRoll}"))} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Roll p50 / p99 (ms) | {F(r.Roll.P50Ms)} / {F(r.Roll.P99Ms)} | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Roll floor (s) | {F(r.Roll.FloorSeconds)} | {string.Join(", ", r.RollRuns.Select(x => F(x.FloorSeconds)))} |");
        if (r.RollSerialRuns.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| Roll with `--surge=0` (one node strictly after another) (s) / floor (s) / failed | {F(r.RollSerial.Seconds)} / {F(r.RollSerial.FloorSeconds)} / {r.RollSerial.Failed} | {string.Join(", ", r.RollSerialRuns.Select(x => $"{F(x.Seconds)}/{F(x.FloorSeconds)}/{x.Failed}"))} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| Restart baseline (s) / requests / failed (worst run) | {F(r.RestartBaseline.Seconds)} / {r.RestartBaseline.Requests} / {r.RestartBaseline.Failed} | {string.Join(", ", r.RestartBaselineRuns.Select(x => $"{F(x.Seconds)}/{x.Requests}/{x.Failed}"))} |");
        md.AppendLine();
        if (r.Roll.FailuresByKind.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Failed requests of the worst roll's load window, by kind: {string.Join(", ", r.Roll.FailuresByKind.Select(kv => $"{kv.Key} {kv.Value}"))} (`client saturated`: the load generator's own cap of requests in flight was reached, i.e. answers took that long). The deploy reports draw when they happened.").AppendLine();
        }

        md.AppendLine("Per-node floor of the median roll (start→ready + drain):").AppendLine();
        md.AppendLine("| Node | Start→ready (s) | Drain (s) |").AppendLine("| --- | --- | --- |");
        foreach (var n in r.Roll.Nodes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {n.Node} | {F(n.StartToReadySeconds)} | {F(n.DrainSeconds)} |");
        }

        var rest = r.Roll.Seconds - r.Roll.SetupSeconds - r.Roll.FloorSeconds - r.Roll.VerifySeconds;
        md.AppendLine()
            .Append(CultureInfo.InvariantCulture, $"Where the median roll's {F(r.Roll.Seconds)} s went: {F(r.Roll.SetupSeconds)} s before the first node started ")
            .Append(CultureInfo.InvariantCulture, $"(SSH connections up after {F(r.Roll.ConnectSeconds)} s, then the lock and asking the nodes), the floor's {F(r.Roll.FloorSeconds)} s, ")
            .Append(CultureInfo.InvariantCulture, $"{F(r.Roll.VerifySeconds)} s of checks after the switches, and ")
            .Append(rest >= 0
                ? $"{F(rest)} s for the rest (handing over to the next node, the last node's stop, recording the release, releasing the lock)."
                : $"the rest (handing over, the last node's stop, recording, the lock) — together more than the roll by {F(-rest)} s, because N+1 starts ahead on the next node while the node before it switches (`--surge`): their phases overlap.")
            .AppendLine(" The deploy reports in `artifacts/bench/env/reports/` show each run's phases.");
        md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Scaling (roll seconds; machine CPU used meanwhile, and the share of its {r.Cores} cores that kept busy):").AppendLine();
        md.AppendLine("| Nodes | Batch | Median (s) | Runs | CPU (s) | Of the cores | Stolen (s) |").AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in r.Scaling)
        {
            var share = s.CoreShare(r.Cores) is { } c ? c.ToString("0%", CultureInfo.InvariantCulture) : "-";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Nodes} | {s.BatchSize} | {F(s.Seconds)} | {string.Join(", ", s.Runs.Select(F))} | {(s.CpuSeconds is { } cpu ? F(cpu) : "-")} | {share} | {(s.StealSeconds is { } st ? F(st) : "-")} |");
        }

        md.AppendLine().AppendLine("Targets:").AppendLine();
        foreach (var (target, met) in r.Targets)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {(met ? "✅ met" : "❌ missed")}: {target}");
        }

        if (ScalingCpuBound(r) is { } bound)
        {
            md.AppendLine().AppendLine(bound);
        }

        return md.ToString();
    }

    /// <summary>
    /// Whether the CPU the 12-node roll used rules the scaling target out on this machine: spread
    /// over every core, it is a lower bound of the roll's duration. Null without the figures.
    /// </summary>
    internal static string? ScalingCpuBound(BenchResults r)
    {
        if (ScalingTarget.Measured(r.Scaling)?.CpuSeconds is not { } cpu || ScalingTarget.LimitSeconds(r.Scaling) is not { } limit || r.Cores <= 0)
        {
            return null;
        }

        string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        var floor = cpu / r.Cores;
        var baseline = ScalingTarget.Baseline(r.Scaling)!.Seconds;
        return floor > limit
            ? $"The 12-node roll at batch 3 used {F(cpu)} s of CPU: spread over all {r.Cores} cores that alone takes {F(floor)} s, more than the target's {F(limit)} s ({ScalingTarget.Factor.ToString(CultureInfo.InvariantCulture)} × {F(baseline)} s). On this machine the scaling target needs less CPU per node, not better ordering: that much CPU fits within the target only on {(int)Math.Ceiling(cpu / limit)} cores or more."
            : $"The 12-node roll at batch 3 used {F(cpu)} s of CPU, {F(floor)} s spread over all {r.Cores} cores, within the target's {F(limit)} s: the CPU used does not by itself rule the target out.";
    }
}
