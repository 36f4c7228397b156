using Platform.Core;
using Platform.Migrate;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// The ExpandDb target, Deploy's first database step: takes the deploy lock (a first Deploy's first chance,
/// once the lb host exists), then runs the release's expand migrations.
/// </summary>
public sealed class ExpandDbStep(RunContext run)
{
    public async Task<MigrationReport> RunAsync()
    {
        var version = await ReleaseVersion.ResolveAsync(run);
        await (await DeployRun.ForAsync(run)).LockAsync("Deploy", version);
        return await new CheckedMigrateDbStep(run).RunAsync(MigrationPhase.Expand, "ExpandDb");
    }
}
