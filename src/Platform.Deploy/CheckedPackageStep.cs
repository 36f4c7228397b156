using Platform.Core;
using Platform.Migrate;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// The Package target as build.cake runs it: <see cref="PackageStep"/>, after the expand guard has read the
/// migrations the release would ship. ExpandDb refuses such a script anyway, but in a Deploy only after
/// Apply and SeedKeys changed the environment; refused here, nothing is built and nothing is changed.
/// </summary>
public sealed class CheckedPackageStep(RunContext run)
{
    public async Task<PackagedRelease> RunAsync()
    {
        var level = run.Arguments.Has("schema") ? run.Arguments.GetInt("schema", 0, min: 1, max: 100000) : int.MaxValue;
        var scripts = MigrationScript.LoadAll(Path.Combine(run.Layout.RepoRoot, "src", "Catalog.Service", "db")).Where(s => s.Version <= level);
        // What would only stall N is said, not refused: a script the database applied long ago may hold it, and only MigrateDb can tell.
        ExpandGuard.Enforce(scripts, applied: null, warnStalls: run.Reporter, refusal: "Not packaged (nothing was built or changed)");

        return await new PackageStep(run).RunAsync();
    }
}
