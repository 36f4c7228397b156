using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Bench;

/// <summary>A roll measured under load.</summary>
public sealed record RollMeasure
{
    public double Seconds { get; init; }

    /// <summary>Requests over the whole steady-load window: the lead-in, the roll and the lead-out.</summary>
    public int Requests { get; init; }

    public int Failed { get; init; }

    /// <summary>What the failed requests were (HTTP status, timeout, transport error, the load generator's own in-flight cap).</summary>
    public IReadOnlyDictionary<string, int> FailuresByKind { get; init; } = new Dictionary<string, int>();

    /// <summary>How long the load ran (the window <see cref="Requests"/> counts).</summary>
    public double LoadSeconds { get; init; }

    /// <summary>Requests answered while the roll itself ran, and how many of them failed.</summary>
    public int RequestsDuringRoll { get; init; }

    public int FailedDuringRoll { get; init; }

    public double P50Ms { get; init; }

    public double P99Ms { get; init; }

    public double RequestsPerSecond { get; init; }

    /// <summary>Per node, as measured: start to ready, and drain.</summary>
    public IReadOnlyList<NodeFloor> Nodes { get; init; } = [];

    /// <summary>Sum over nodes of start-to-ready plus drain: the time a one-at-a-time roll cannot beat.</summary>
    public double FloorSeconds { get; init; }

    /// <summary>
    /// Where the rest went: from the run's start until the first node starts the new release (SSH
    /// connections, the lock, asking the nodes, the first upload when there is one).
    /// </summary>
    public double SetupSeconds { get; init; }

    /// <summary>Until every SSH connection of the run was up (part of the setup).</summary>
    public double ConnectSeconds { get; init; }

    /// <summary>Sum over nodes of the check after the switch (version, HAProxy, log).</summary>
    public double VerifySeconds { get; init; }

    /// <summary>
    /// Stage of the release, run just before the roll under the same load (uploading and unpacking
    /// it on every node, SSH connections included); the roll then finds it there. Null when not staged apart.
    /// </summary>
    public double? StageSeconds { get; init; }
}

public sealed record NodeFloor(string Node, double StartToReadySeconds, double DrainSeconds);

/// <summary>
/// Roll time of one scaling configuration and, where the machine says, the CPU the whole machine
/// used meanwhile (busy, and stolen by the hypervisor), each the median of the runs.
/// </summary>
public sealed record ScalingMeasure(int Nodes, int BatchSize, double Seconds, IReadOnlyList<double> Runs, double? CpuSeconds = null, double? StealSeconds = null)
{
    /// <summary>The share of the machine's cores the roll kept busy (1 = all of them, all the time).</summary>
    public double? CoreShare(int cores) => CpuSeconds is { } cpu && Seconds > 0 && cores > 0 ? cpu / (Seconds * cores) : null;

    public static ScalingMeasure Of(int nodes, int batchSize, IReadOnlyList<double> runs, IReadOnlyList<CpuSample> cpu) =>
        new(nodes, batchSize, BenchResults.Median(runs), runs,
            cpu.Count == 0 ? null : BenchResults.Median(cpu.Select(c => c.BusySeconds)),
            cpu.Count == 0 ? null : BenchResults.Median(cpu.Select(c => c.StealSeconds)));
}

/// <summary>What <c>artifacts/bench/bench.json</c> holds: every figure the median of its runs.</summary>
public sealed record BenchResults
{
    public required DateTimeOffset Created { get; init; }

    public required int Runs { get; init; }

    public required string Machine { get; init; }

    public int Cores { get; init; } = Environment.ProcessorCount;

    public double DeployFromScratchSeconds { get; init; }

    public IReadOnlyList<double> DeployFromScratchRuns { get; init; } = [];

    public RollMeasure Roll { get; init; } = new();

    public IReadOnlyList<RollMeasure> RollRuns { get; init; } = [];

    /// <summary>The same roll with <c>--surge=0</c>: strictly one node after another, as the floor assumes.</summary>
    public RollMeasure RollSerial { get; init; } = new();

    public IReadOnlyList<RollMeasure> RollSerialRuns { get; init; } = [];

    public RollMeasure RestartBaseline { get; init; } = new();

    public IReadOnlyList<RollMeasure> RestartBaselineRuns { get; init; } = [];

    public double NoopDeploySeconds { get; init; }

    public IReadOnlyList<double> NoopDeployRuns { get; init; } = [];

    public IReadOnlyList<ScalingMeasure> Scaling { get; init; } = [];

    /// <summary>Each target and whether it is met.</summary>
    public IReadOnlyDictionary<string, bool> Targets { get; init; } = new Dictionary<string, bool>();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
