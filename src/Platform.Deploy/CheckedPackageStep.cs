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
        if (scripts.Where(s => s.Phase == MigrationPhase.Expand).SelectMany(ExpandGuard.Check).ToList() is { Count: > 0 } violations)
        {
            throw new PlatformException(
                "Not packaged: these expand migrations would break the release that is still running when ExpandDb applies them. Move them to db/contract/ (run after every node runs the new release). Nothing was built or changed:"
                + Environment.NewLine + string.Join(Environment.NewLine, violations.Select(v => "  " + v)));
        }

        return await new PackageStep(run).RunAsync();
    }
}
