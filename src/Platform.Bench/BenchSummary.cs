using Platform.Deploy;
using Platform.Load;

namespace Platform.Bench;

/// <summary>
/// The benchmark's figures from its measured runs: each roll's floor and where the rest of its time went, the
/// medians over the runs (failures: the worst run's), and whether each of the targets is met.
/// </summary>
internal static class BenchSummary
{
    internal static RollMeasure Measure(double seconds, LoadReport report, IReadOnlyList<PhaseSpan> spans)
    {
        // Hosts that were not rolled (the lb: its connection and the lock) have no floor.
        var floors = spans.GroupBy(s => s.Node)
            .Where(g => g.Any(s => s.Phase is "start" or "ready"))
            .Select(g => new NodeFloor(
                g.Key,
                g.Where(s => s.Phase is "start" or "ready").Sum(s => s.Seconds),
                g.Where(s => s.Phase == "drain").Sum(s => s.Seconds)))
            .OrderBy(f => f.Node, StringComparer.Ordinal)
            .ToList();
        return new RollMeasure
        {
            Seconds = seconds,
            LoadSeconds = report.Duration.TotalSeconds,
            Requests = report.Requests,
            Failed = report.Failed,
            P50Ms = report.P50Ms,
            P99Ms = report.P99Ms,
            RequestsPerSecond = report.RequestsPerSecond,
            Nodes = floors,
            FloorSeconds = floors.Sum(f => f.StartToReadySeconds + f.DrainSeconds),
            SetupSeconds = spans.Where(s => s.Phase == "start").Select(s => s.StartSeconds).DefaultIfEmpty(0).Min(),
            ConnectSeconds = spans.Where(s => s.Phase == "connect").Select(s => s.EndSeconds).DefaultIfEmpty(0).Max(),
            VerifySeconds = spans.Where(s => s.Phase == "verify").Sum(s => s.Seconds),
        };
    }

    internal static BenchResults Summarize(int runs, List<double> fromScratch, List<double> noop, List<RollMeasure> rolls, List<RollMeasure> restarts, List<ScalingMeasure> scaling, List<RollMeasure> serial)
    {
        var roll = MedianRoll(rolls);
        var restart = MedianRoll(restarts);
        var strict = MedianRoll(serial);
        var targets = new Dictionary<string, bool>
        {
            ["roll.failed = 0 with roll.requests >= 20000 (over the load window, in every run)"] = rolls.Count > 0 && rolls.All(r => r.Failed == 0 && r.Requests >= 20000),
            ["roll.seconds <= 1.5 x floorSeconds"] = rolls.Count > 0 && roll.Seconds <= 1.5 * roll.FloorSeconds,
            // With --surge the next node's start overlaps, so its floor (a sum) is easier to beat: the serial roll is judged too.
            ["rollSerial.seconds <= 1.5 x rollSerial.floorSeconds (--surge=0, nothing overlaps)"] = serial.Count > 0 && strict.Seconds <= 1.5 * strict.FloorSeconds,
            ["noopDeploySeconds <= 10"] = noop.Count > 0 && BenchResults.Median(noop) <= 10,
            [ScalingTarget.Name] = ScalingTarget.Met(scaling),
        };
        return new BenchResults
        {
            Created = DateTimeOffset.UtcNow,
            Runs = runs,
            Machine = $"{Environment.MachineName}, {Environment.ProcessorCount} cores",
            Cores = Environment.ProcessorCount,
            DeployFromScratchSeconds = BenchResults.Median(fromScratch),
            DeployFromScratchRuns = fromScratch,
            Roll = roll,
            RollRuns = rolls,
            RollSerial = strict,
            RollSerialRuns = serial,
            RestartBaseline = restart,
            RestartBaselineRuns = restarts,
            NoopDeploySeconds = BenchResults.Median(noop),
            NoopDeployRuns = noop,
            Scaling = scaling,
            Targets = targets,
        };
    }

    // The median roll (by duration) with its own floor and nodes, requests and latencies taken as
    // medians, failures as the worst run's (with that run's kinds).
    private static RollMeasure MedianRoll(List<RollMeasure> rolls)
    {
        if (rolls.Count == 0)
        {
            return new RollMeasure();
        }

        var middle = rolls.OrderBy(r => r.Seconds).ElementAt(rolls.Count / 2);
        return middle with
        {
            Seconds = BenchResults.Median(rolls.Select(r => r.Seconds)),
            Requests = (int)BenchResults.Median(rolls.Select(r => (double)r.Requests)),
            Failed = rolls.Max(r => r.Failed), // the worst run's: one run losing requests is not zero downtime
            LoadSeconds = BenchResults.Median(rolls.Select(r => r.LoadSeconds)),
            RequestsDuringRoll = (int)BenchResults.Median(rolls.Select(r => (double)r.RequestsDuringRoll)),
            FailedDuringRoll = rolls.Max(r => r.FailedDuringRoll),
            FailuresByKind = rolls.MaxBy(r => r.Failed)!.FailuresByKind, // the worst run's, as Failed: they add up to it
            P50Ms = BenchResults.Median(rolls.Select(r => r.P50Ms)),
            P99Ms = BenchResults.Median(rolls.Select(r => r.P99Ms)),
            StageSeconds = rolls.All(r => r.StageSeconds is not null) ? BenchResults.Median(rolls.Select(r => r.StageSeconds!.Value)) : null,
        };
    }
}
