using Platform.Core;

namespace Platform.Deploy;

/// <summary>How to roll: <c>zero-downtime</c> (start N+1 on the idle slot, switch, drain N) or the naive <c>restart</c> baseline.</summary>
public enum RollStrategy
{
    ZeroDowntime,

    /// <summary>Stop N, start N+1 on the same slot, on every node at once: the baseline that shows downtime.</summary>
    Restart,
}

/// <summary>The knobs of a roll, from the command line.</summary>
public sealed record RollOptions
{
    public required string Version { get; init; }

    /// <summary>Nodes rolled at once (<c>--batch-size</c>); never all of them, so one always serves.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>
    /// Uploads at once (<c>--upload-parallel</c>, default 4, never fewer than the batch), in roll order:
    /// a roll of a node takes a fraction of a second, so the next nodes' uploads must already be under way.
    /// </summary>
    public int UploadParallel { get; init; } = 4;

    /// <summary>
    /// Nodes beyond those switching on which N+1 may already start (<c>--surge</c>, default 1; 0 rolls
    /// strictly one batch after another): it starts on the next node's idle slot, taking no traffic,
    /// while the nodes ahead switch, so that it is ready when its turn comes. It is switched only in
    /// turn, after the nodes ahead passed their checks, and stopped unused if one of them fails.
    /// </summary>
    public int Surge { get; init; } = 1;

    /// <summary>Roll just this node (<c>--node=web-2</c>).</summary>
    public string? Node { get; init; }

    /// <summary>The app nodes to roll: all, or the one <c>--node</c> names.</summary>
    /// <exception cref="PlatformException">No app nodes, or <c>--node</c> names no app node of the inventory.</exception>
    public static List<InventoryHost> SelectNodes(Inventory inventory, string? name)
    {
        var nodes = inventory.AppNodes.ToList();
        if (nodes.Count == 0)
        {
            throw new PlatformException($"The {inventory.Environment} inventory has no app nodes.");
        }

        if (name is null)
        {
            return nodes;
        }

        var apps = string.Join(", ", nodes.Select(n => n.Name));
        var node = inventory.Hosts.FirstOrDefault(h => h.Name == name)
            ?? throw new PlatformException($"--node={name}: no such host in the {inventory.Environment} inventory. Pass one of its app nodes: {apps}. Nothing was changed.");
        return node.HasRole("app") ? [node] : throw new PlatformException($"--node={name} is not an app node (roles: {string.Join(", ", node.Roles)}). Pass one of {apps}. Nothing was changed.");
    }

    /// <summary>
    /// In Setup, before any task: a <c>--node</c> the inventory lacks fails the run then, not at Stage
    /// after Apply and the migrations (a node a scale-out adds is rolled after that Apply, on its own).
    /// Unchecked while no inventory exists.
    /// </summary>
    public static void CheckNode(RunContext run)
    {
        if (run.Arguments.Get("node") is { } name && File.Exists(run.Layout.InventoryFile))
        {
            SelectNodes(Inventory.Load(run.Layout.InventoryFile), name);
        }
    }

    public RollStrategy Strategy { get; init; } = RollStrategy.ZeroDowntime;

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The whole roll must finish within this (<c>--progress-deadline</c>).</summary>
    public TimeSpan ProgressDeadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Releases each node keeps (the current one included).</summary>
    public int KeepReleases { get; init; } = 3;

    /// <summary>The target rolling (RollNode, Rollback): what the roll prints, and whether records note the release left (<see cref="IsRollback"/>).</summary>
    public string Target { get; init; } = "RollNode";

    /// <summary>A Rollback's records note the release each node leaves, which a later plain Rollback passes over.</summary>
    public bool IsRollback => Target == "Rollback";

    // The defaults, written once (above): what an argument not given leaves.
    private static readonly RollOptions Defaults = new() { Version = "-" };

    public static RollOptions From(RunArguments args, string version) => new()
    {
        Version = version,
        BatchSize = args.GetInt("batch-size", Defaults.BatchSize, min: 1, max: 1000),
        UploadParallel = args.GetInt("upload-parallel", Defaults.UploadParallel, min: 1, max: 64),
        Surge = args.GetInt("surge", Defaults.Surge, min: 0, max: 1000),
        Node = args.Get("node"),
        Strategy = args.Get("strategy", "zero-downtime") switch
        {
            "zero-downtime" => RollStrategy.ZeroDowntime,
            "restart" => RollStrategy.Restart,
            var other => throw new PlatformException($"--strategy={other} is not known: use zero-downtime (default) or restart (the naive baseline, with downtime)."),
        },
        ReadyTimeout = args.GetSeconds("ready-timeout", Defaults.ReadyTimeout),
        DrainTimeout = args.GetSeconds("drain-timeout", Defaults.DrainTimeout),
        StopTimeout = args.GetSeconds("stop-timeout", Defaults.StopTimeout),
        ProgressDeadline = args.GetSeconds("progress-deadline", Defaults.ProgressDeadline),
    };

    /// <summary>The batch size actually used: at most all nodes but one (one node alone is rolled alone).</summary>
    public int EffectiveBatchSize(int nodes) => Math.Max(1, Math.Min(BatchSize, nodes - 1));
}
