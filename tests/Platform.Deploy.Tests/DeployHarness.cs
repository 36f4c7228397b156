using Platform.Core;
using Platform.Load;
using Platform.Release;
using Platform.Secure;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

/// <summary>
/// A real local environment with the component's releases packaged: N (schema 2), N+1 (schema 4)
/// and a release of N+1 built never to become ready. Runs targets the way build.cake does (a run
/// context per target, finished like Cake's Teardown) and puts steady load through the LB.
/// </summary>
public sealed class DeployHarness : IAsyncDisposable
{
    public const string N = "91.0.0";
    public const string NextN = "91.1.0";
    public const string NeverReady = "91.1.1-never-ready";

    private DeployHarness(LocalEnvironment env) => Env = env;

    public LocalEnvironment Env { get; }

    public Inventory Inventory => Env.Inventory;

    public static async Task<DeployHarness> StartAsync(string name, int appNodes = 3)
    {
        var env = await LocalEnvironment.ApplyAsync(name, appNodes, TestContext.Progress);
        var harness = new DeployHarness(env);
        try
        {
            await new SeedKeysStep(env.NewRun()).RunAsync();
            await harness.PackageAsync(N, ("schema", "2"));
            await harness.PackageAsync(NextN, ("schema", "4"));
            await harness.PackageAsync(NeverReady, ("schema", "4"), ("fault", "never-ready"));
            return harness;
        }
        catch
        {
            await env.DisposeAsync();
            throw;
        }
    }

    // Test releases follow the tree: rebuilt (--force) whenever the sources changed since the last run.
    public Task<PackagedRelease> PackageAsync(string version, params (string Key, string Value)[] args) =>
        new PackageStep(Env.NewRun(Args(version, [.. args, ("force", "true")]))).RunAsync();

    /// <summary>Runs one target body as build.cake does, then finishes the run like Cake's Teardown.</summary>
    public async Task<T> RunAsync<T>(string target, string version, Func<RunContext, Task<T>> body, params (string Key, string Value)[] args)
    {
        var reporter = new RecordingReporter(TestContext.Progress);
        var run = Env.NewRun(Args(version, args), reporter: reporter);
        LastOutput = reporter;
        try
        {
            var result = await body(run);
            await DeployRun.FinishAsync(run, [target], true, null);
            return result;
        }
        catch (Exception ex)
        {
            await DeployRun.FinishAsync(run, [target], false, ex.Message);
            throw;
        }
    }

    /// <summary>Runs one target body as <see cref="RunAsync{T}"/> does, stopped as by Ctrl+C once it says a line holding <paramref name="stopAt"/>: what it said.</summary>
    public async Task<RecordingReporter> RunStoppedAsync(string target, string version, string stopAt, Func<RunContext, Task> body)
    {
        using var stop = new CancellationTokenSource();
        var reporter = new RecordingReporter(new CancelOnLine(stopAt, stop));
        var run = Env.NewRun(Args(version, []), reporter: reporter, cancellation: stop.Token);
        try
        {
            Assert.That(async () => await body(run), Throws.InstanceOf<OperationCanceledException>(), reporter.Text);
        }
        finally
        {
            await DeployRun.FinishAsync(run, [target], false, "stopped");
        }

        return reporter;
    }

    public RecordingReporter LastOutput { get; private set; } = new();

    /// <summary>Deploy's database and roll steps for a version (Apply, SeedKeys and Package are done once).</summary>
    public Task DeployAsync(string version, params (string Key, string Value)[] args) =>
        RunAsync("Deploy", version, async run =>
        {
            await new ExpandDbStep(run).RunAsync();
            await new CheckCompatibilityStep(run).RunAsync();
            await new StageStep(run).RunAsync();
            await new RollNodeStep(run).RunAsync();
            await new DeploySummaryStep(run).RunAsync();
            return true;
        }, args);

    /// <summary>Runs <paramref name="during"/> under steady load through the LB and returns what the load saw.</summary>
    public async Task<LoadReport> UnderLoadAsync(Func<Task> during, int requestsPerSecond = 250)
    {
        using var stop = new CancellationTokenSource();
        var load = new LoadGenerator(new Uri(Inventory.ServiceUrl + "/items?limit=1"), requestsPerSecond).RunAsync(stop.Token);
        await Task.Delay(500);
        try
        {
            await during();
        }
        finally
        {
            await Task.Delay(500);
            await stop.CancelAsync();
        }

        var report = await load;
        await TestContext.Progress.WriteLineAsync("load: " + report);
        return report;
    }

    /// <summary>The release each app node records, read straight from the nodes' files.</summary>
    public IReadOnlyDictionary<string, string?> NodeVersions() =>
        Inventory.AppNodes.ToDictionary(
            n => n.Name,
            n => NodeRelease.Parse(File.Exists(Path.Combine(n.BaseDir, "current.json")) ? File.ReadAllText(Path.Combine(n.BaseDir, "current.json")) : null)?.Version);

    /// <summary>The Markdown of the environment's most recent deploy report.</summary>
    public string LatestReport() =>
        File.ReadAllText(new DirectoryInfo(Env.NewRun().Layout.ReportsDir).GetFiles("*.md").OrderBy(f => f.LastWriteTimeUtc).Last().FullName);

    public async ValueTask DisposeAsync() => await Env.DisposeAsync();

    private static Dictionary<string, string> Args(string version, (string Key, string Value)[] args)
    {
        var all = args.ToDictionary(a => a.Key, a => a.Value);
        all["version"] = version;
        return all;
    }
}
