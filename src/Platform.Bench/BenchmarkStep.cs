using System.Diagnostics;
using System.Globalization;
using Platform.Core;
using Platform.Deploy;
using Platform.Load;
using Platform.Migrate;
using Platform.Provision;
using Platform.Release;
using Platform.Secure;

namespace Platform.Bench;

/// <summary>
/// The Benchmark target, on a dedicated local environment (127.0.40.x, state in .platform/bench):
/// deploy from scratch, a no-op deploy, rolls N→N+1 under steady load through the LB, the naive
/// restart under the same load, and roll times for several node counts and batch sizes. Every
/// timed roll finds its release staged, as Deploy leaves it; under load, each run first removes N+1
/// from the nodes and times its Stage (the upload) on its own, just before the roll. The same roll
/// with <c>--surge=0</c> (strictly one node after another) is measured beside it. Each figure
/// is the median of <c>--bench-runs</c> runs (default 3). Writes <c>artifacts/bench/bench.json</c>
/// and <c>report.md</c>; the full output of every step goes to <c>artifacts/bench/bench.log</c>.
/// Options: <c>--bench-rps</c> (default 3000), <c>--bench-path</c> (default <c>/health/live</c>: through the
/// LB to the service, no database — the DB-backed <c>/items</c> saturates a 2-core machine above
/// about 1000 requests/s while a new release starts), <c>--bench-nodes</c> (default 3,6,12),
/// <c>--bench-lead</c> (seconds of steady load before and after each roll, default 3: a roll takes
/// about a second, and the window must hold enough requests to show that none fails).
/// </summary>
public sealed class BenchmarkStep(RunContext run)
{
    public const string N = "0.90.0-bench";
    public const string NextN = "0.91.0-bench";

    private string OutputDir => Path.Combine(run.Layout.RepoRoot, "artifacts", "bench");

    public async Task<BenchResults> RunAsync()
    {
        var runs = run.Arguments.GetInt("bench-runs", 3, min: 1, max: 20);
        var rps = run.Arguments.GetInt("bench-rps", 3000, min: 50, max: 20000);
        var path = run.Arguments.Get("bench-path", "/health/live");
        var lead = TimeSpan.FromSeconds(run.Arguments.GetInt("bench-lead", 3, min: 1, max: 60));
        var sizes = run.Arguments.GetIntList("bench-nodes", [3, 6, 12], min: 1, max: 50);
        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would benchmark {runs} runs of each measure at {rps} requests/s, scaling over {string.Join(", ", sizes)} nodes.");
            return new BenchResults { Created = DateTimeOffset.UtcNow, Runs = runs, Machine = Environment.MachineName };
        }

        using var log = new LogFileReporter(Path.Combine(OutputDir, "bench.log"), run.Reporter);
        var env = new BenchEnvironment(run, log, new Dictionary<string, int> { [N] = 2, [NextN] = 4 });
        Say($"Benchmark: {runs} runs per measure, load {rps} requests/s on {path}, details in {Path.Combine(OutputDir, "bench.log")}");
        // The benchmark's own releases follow the tree: rebuilt (--force) when the sources changed.
        await new PackageStep(env.Run(N, 3, ("force", "true"))).RunAsync();
        await new PackageStep(env.Run(NextN, 3, ("force", "true"))).RunAsync();

        var fromScratch = new List<double>();
        var noop = new List<double>();
        var rolls = new List<RollMeasure>();
        var serial = new List<RollMeasure>();
        var restarts = new List<RollMeasure>();
        var scaling = new List<ScalingMeasure>();
        try
        {
            for (var i = 0; i < runs; i++)
            {
                await DestroyAsync(env);
                fromScratch.Add(await TimeAsync(() => DeploySequence.RunAsync(env.Run(N, 3))));
                Say($"deploy from scratch #{i + 1}: {fromScratch[^1]:0.0} s");
            }

            for (var i = 0; i < runs; i++)
            {
                noop.Add(await TimeAsync(() => DeploySequence.RunAsync(env.Run(N, 3))));
                Say($"no-op deploy #{i + 1}: {noop[^1]:0.0} s");
            }

            // N+1's expand migration runs once; N keeps working on it, so the rolls can alternate.
            await new MigrateDbStep(env.Run(NextN, 3)).RunAsync(MigrationPhase.Expand);
            var version = N;
            for (var i = 0; i < runs; i++)
            {
                version = version == N ? NextN : N;
                // Each run uploads N+1 anew (Stage, timed, under the same load), then rolls.
                Unstage(env, version);
                rolls.Add(await RollUnderLoadAsync(env, version, rps, path, lead, "zero-downtime", stage: true));
                Say($"roll #{i + 1} to {version}: {Describe(rolls[^1])}");
            }

            // The same roll strictly one node after another (--surge=0): what the floor describes, and what --surge saves.
            for (var i = 0; i < runs; i++)
            {
                version = version == N ? NextN : N;
                await StageAsync(env, version, 3);
                serial.Add(await RollUnderLoadAsync(env, version, rps, path, lead, "zero-downtime", surge: 0));
                Say($"roll #{i + 1} to {version} with --surge=0: {Describe(serial[^1])}");
            }

            for (var i = 0; i < runs; i++)
            {
                version = version == N ? NextN : N;
                await StageAsync(env, version, 3);
                restarts.Add(await RollUnderLoadAsync(env, version, rps, path, lead, "restart"));
                Say($"restart baseline #{i + 1} to {version}: {Describe(restarts[^1])}");
            }

            foreach (var nodes in sizes)
            {
                await ScaleToAsync(env, nodes, version);
                foreach (var batch in new[] { 1, 3 })
                {
                    var times = new List<double>();
                    var cpu = new List<CpuSample>();
                    for (var i = 0; i < runs; i++)
                    {
                        version = version == N ? NextN : N;
                        await StageAsync(env, version, nodes);
                        var before = CpuSample.Read();
                        times.Add(await TimeAsync(() => RollAsync(env.Run(version, nodes, ("batch-size", batch.ToString(CultureInfo.InvariantCulture))))));
                        if (before is { } b && CpuSample.Read() is { } after)
                        {
                            cpu.Add(after - b);
                        }
                    }

                    scaling.Add(ScalingMeasure.Of(nodes, batch, times, cpu));
                    Say($"scaling {nodes} nodes, batch {batch}: {Describe(scaling[^1])}");
                }
            }
        }
        finally
        {
            await DestroyAsync(env);
        }

        var results = BenchSummary.Summarize(runs, fromScratch, noop, rolls, restarts, scaling, serial);
        Directory.CreateDirectory(OutputDir);
        AtomicFile.WriteAllText(Path.Combine(OutputDir, "bench.json"), results.ToJson() + "\n");
        AtomicFile.WriteAllText(Path.Combine(OutputDir, "report.md"), BenchReport.Render(results));
        Say($"Wrote {Path.Combine(OutputDir, "bench.json")} and report.md");
        foreach (var (target, met) in results.Targets)
        {
            Say($"  {(met ? "met    " : "MISSED ")} {target}");
        }

        if (BenchReport.ScalingCpuBound(results) is { } bound)
        {
            Say(bound);
        }

        return results;
    }

    private void Say(string message) => run.Reporter.Info(message);

    private static string Describe(ScalingMeasure s) =>
        $"{s.Seconds:0.0} s ({string.Join(", ", s.Runs.Select(t => t.ToString("0.0", CultureInfo.InvariantCulture)))})" +
        (s.CpuSeconds is { } cpu ? $", {cpu:0.0} s of machine CPU ({s.CoreShare(Environment.ProcessorCount):0%} of the cores busy)" : string.Empty);

    private static string Describe(RollMeasure m) =>
        $"{m.Seconds:0.0} s, {m.RequestsDuringRoll} requests during the roll and {m.Requests} in {m.LoadSeconds:0.0} s of load ({m.RequestsPerSecond:0}/s), {m.Failed} failed{(m.FailuresByKind.Count == 0 ? string.Empty : $" ({string.Join(", ", m.FailuresByKind.Select(kv => $"{kv.Key}: {kv.Value}"))})")}, p50 {m.P50Ms:0.0} ms, p99 {m.P99Ms:0.0} ms, floor {m.FloorSeconds:0.0} s";

    private static async Task<double> TimeAsync(Func<Task> body)
    {
        var clock = Stopwatch.StartNew();
        await body();
        return clock.Elapsed.TotalSeconds;
    }

    private static Task RollAsync(RunContext roll) => AsTarget.RunAsync(roll, "RollNode", () => new RollNodeStep(roll).RunAsync());

    // Every timed roll finds its release staged, as Deploy leaves it (Stage runs before RollNode), so
    // that runs compare alike whichever releases earlier runs left on the nodes.
    private static async Task<double> StageAsync(BenchEnvironment env, string version, int nodes)
    {
        var stage = env.Run(version, nodes);
        return await TimeAsync(() => AsTarget.RunAsync(stage, "Stage", () => new StageStep(stage).RunAsync()));
    }

    // Removes a release from the app nodes, so that the next Stage uploads it in full. The bench
    // environment's nodes are folders on this machine; the release is the one the last roll left.
    private static void Unstage(BenchEnvironment env, string version)
    {
        foreach (var host in Inventory.Load(env.Run(version, 3).Layout.InventoryFile).AppNodes)
        {
            var folder = new NodeLayout(host).ReleaseDir(version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    // 3 nodes, one at a time, under steady load through the LB from `lead` before the roll to `lead`
    // after it; with `stage`, Stage runs (timed on its own) under the load first, and the lead-in
    // follows it: the roll starts from steady load, and the stage's effect on the load still counts.
    private async Task<RollMeasure> RollUnderLoadAsync(BenchEnvironment env, string version, int rps, string path, TimeSpan lead, string strategy, bool stage = false, int? surge = null)
    {
        var roll = surge is { } ahead
            ? env.Run(version, 3, ("strategy", strategy), ("batch-size", "1"), ("surge", ahead.ToString(CultureInfo.InvariantCulture)))
            : env.Run(version, 3, ("strategy", strategy), ("batch-size", "1"));
        var inventory = Inventory.Load(roll.Layout.InventoryFile);
        using var stop = new CancellationTokenSource();
        var generator = new LoadGenerator(new Uri(inventory.ServiceUrl + path), rps);
        var load = generator.RunAsync(stop.Token);
        double? staged = null;
        var before = generator.Totals;
        var clock = Stopwatch.StartNew();
        var ok = false;
        var seconds = 0.0;
        (int Requests, int Failed) during = default;
        IReadOnlyList<PhaseSpan> spans = [];
        try
        {
            staged = stage ? await StageAsync(env, version, 3) : null;
            await Task.Delay(lead);
            before = generator.Totals;
            clock.Restart();
            (await DeployRun.ForAsync(roll)).Load = generator;
            await new RollNodeStep(roll).RunAsync();
            spans = DeployRun.Current(roll)?.Timeline.Spans ?? [];
            ok = true;
        }
        finally
        {
            seconds = clock.Elapsed.TotalSeconds;
            during = (generator.Totals.Requests - before.Requests, generator.Totals.Failed - before.Failed);
            await DeployRun.FinishAsync(roll, ["RollNode"], ok, null);
            await Task.Delay(lead);
            await stop.CancelAsync();
        }

        var report = await load;
        return BenchSummary.Measure(seconds, report, spans) with { RequestsDuringRoll = during.Requests, FailedDuringRoll = during.Failed, StageSeconds = staged, FailuresByKind = report.FailuresByKind };
    }


    private static async Task DestroyAsync(BenchEnvironment env)
    {
        var destroy = env.Run(N, 3);
        if (Directory.Exists(Path.Combine(destroy.Layout.StateDir, "hosts")) || File.Exists(Path.Combine(destroy.Layout.StateDir, "terraform.tfstate")))
        {
            await new DestroyStep(destroy).RunAsync();
        }
    }

    // More (or fewer) app nodes: provision them, let the circle in, and bring them to the running version.
    // The benchmark's own environment: fewer nodes (--bench-nodes=12,3) may be dropped without review.
    private static async Task ScaleToAsync(BenchEnvironment env, int nodes, string version)
    {
        var scale = env.Run(version, nodes, (DestructionGuard.AllowArgument, "true"));
        // Finished as an Apply: that releases the deploy lock the Apply took.
        await AsTarget.RunAsync(scale, "Apply", async () =>
        {
            await new PlanStep(scale).RunAsync();
            await new LockedApplyStep(scale).RunAsync();
            await new SeedKeysStep(scale).RunAsync();
        });

        await RollAsync(env.Run(version, nodes, ("batch-size", "3")));
    }
}
