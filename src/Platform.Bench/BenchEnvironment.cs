using Platform.Core;

namespace Platform.Bench;

/// <summary>
/// The benchmark's own local environment: state under <c>.platform/bench</c>, artifacts under
/// <c>artifacts/bench/env</c>, addresses 127.0.40.x — it never touches the user's local environment.
/// </summary>
public sealed class BenchEnvironment(RunContext parent, IReporter reporter, IReadOnlyDictionary<string, int> schemaOfVersion)
{
    public const string AddressPrefix = "127.0.40.";

    public string StateDir => Path.Combine(parent.Layout.RepoRoot, ".platform", "bench");

    public string ArtifactsDir => Path.Combine(parent.Layout.RepoRoot, "artifacts", "bench", "env");

    /// <summary>
    /// A run context on the bench environment for a version (with the schema level that release was
    /// packaged at, so Package finds it up to date), a node count and extra arguments.
    /// </summary>
    public RunContext Run(string version, int appNodes, params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, List<string>>
        {
            ["environment"] = ["local"],
            ["state-dir"] = [StateDir],
            ["artifacts-dir"] = [ArtifactsDir],
            ["releases-dir"] = [parent.Layout.ReleasesDir],
            ["version"] = [version],
            ["schema"] = [schemaOfVersion[version].ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ["var"] = [$"address_prefix={AddressPrefix}", $"app_nodes={appNodes}"],
        };
        foreach (var (key, value) in extra)
        {
            values[key] = [value];
        }

        return RunContext.FromArguments(parent.Layout.RepoRoot, new RunArguments(n => values.TryGetValue(n, out var v) ? v : []), false, reporter, parent.Cancellation);
    }
}
