using Platform.Core;
using Platform.Provision;
using Platform.Testing;

namespace Platform.TestSupport;

/// <summary>
/// A real local environment for integration tests, provisioned by the same Plan/Apply steps the
/// targets run, on its own loopback range (127.0.K.x) with its own state and artifacts folders
/// under .platform/test/. Disposing destroys it, kills anything left under its folder and
/// removes the folder.
/// </summary>
public sealed class LocalEnvironment : IAsyncDisposable
{
    private readonly LoopbackRange _range;
    private readonly Dictionary<string, List<string>> _arguments;
    private bool _destroyed;

    private LocalEnvironment(LoopbackRange range, string scratch, Dictionary<string, List<string>> arguments, RecordingReporter reporter)
    {
        _range = range;
        Scratch = scratch;
        _arguments = arguments;
        Reporter = reporter;
    }

    public string Scratch { get; }

    public LoopbackRange Range => _range;

    public RecordingReporter Reporter { get; }

    public Inventory Inventory { get; private set; } = null!;

    public string StateDir => Path.Combine(Scratch, "state");

    /// <summary>The terraform process applying this environment now (found by its TF_DATA_DIR), or null.</summary>
    public int? TerraformApplyPid()
    {
        var dataDir = "TF_DATA_DIR=" + Path.Combine(StateDir, "terraform");
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (int.TryParse(Path.GetFileName(dir), out var pid) && Path.GetFileName(args[0]) == "terraform" && args.Contains("apply")
                    && File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Contains(dataDir))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process that ended meanwhile, or another user's.
            }
        }

        return null;
    }

    /// <summary>
    /// Where test releases are packaged: kept between runs (Package skips a release whose sources did
    /// not change), apart from the user's artifacts/releases.
    /// </summary>
    public static string SharedReleasesDir => Path.Combine(RepositoryRoot.Path, ".platform", "test-releases");

    public string ArtifactsDir => Path.Combine(Scratch, "artifacts");

    /// <summary>Provisions <paramref name="appNodes"/> app nodes plus lb and db.</summary>
    public static async Task<LocalEnvironment> ApplyAsync(string name, int appNodes = 2, TextWriter? log = null)
    {
        var environment = Create(name, appNodes, log);
        try
        {
            await environment.ApplyAsync();
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reserves the range and folders without provisioning (for environments that need setup first).</summary>
    public static LocalEnvironment Create(string name, int appNodes = 2, TextWriter? log = null, string environmentName = "local")
    {
        var (range, scratch) = LoopbackRange.AcquireWithScratch(name);
        var arguments = new Dictionary<string, List<string>>
        {
            ["environment"] = [environmentName],
            ["state-dir"] = [Path.Combine(scratch, "state")],
            ["artifacts-dir"] = [Path.Combine(scratch, "artifacts")],
            ["releases-dir"] = [SharedReleasesDir],
            ["var"] = [$"address_prefix={range.Prefix}", $"app_nodes={appNodes}"],
        };
        return new LocalEnvironment(range, scratch, arguments, new RecordingReporter(log ?? TextWriter.Null));
    }

    /// <summary>A run context on this environment; <paramref name="extra"/> adds or replaces arguments.</summary>
    public RunContext NewRun(IReadOnlyDictionary<string, string>? extra = null, bool checkMode = false, IReporter? reporter = null, CancellationToken cancellation = default)
    {
        var arguments = _arguments.ToDictionary(kv => kv.Key, kv => kv.Value.ToList());
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            if (key == "var")
            {
                arguments["var"].Add(value);
            }
            else
            {
                arguments[key] = [value];
            }
        }

        return RunContext.FromArguments(
            RepositoryRoot.Path,
            new RunArguments(n => arguments.TryGetValue(n, out var v) ? v : []),
            checkMode,
            reporter ?? Reporter,
            cancellation);
    }

    /// <summary>Plan + Apply with the given extra arguments (e.g. <c>var=app_nodes=3</c>); returns the plan's summary.</summary>
    public async Task<PlanSummary> ApplyAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var run = NewRun(extra);
        var summary = await new PlanStep(run).RunAsync();
        Inventory = (await new ApplyStep(run).RunAsync())!;
        return summary;
    }

    public Task DestroyAsync() => DestroyAsync(() => new DestroyStep(NewRun()).RunAsync());

    /// <summary>Destroys the environment with <paramref name="destroy"/> (a test's own Destroy run): disposing does not destroy it again.</summary>
    public async Task DestroyAsync(Func<Task> destroy)
    {
        await destroy();
        _destroyed = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_destroyed && Directory.Exists(StateDir))
            {
                await DestroyAsync();
            }
        }
        finally
        {
            new LeftoverProcesses(Scratch).KillAll();
            RepositoryRoot.RemoveScratch(Scratch);
            _range.Dispose();
        }
    }
}
