using Platform.Core;
using Platform.Migrate;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// The ContractDb target, Deploy's last step: the release's contract migrations, once every app node runs it;
/// with <c>--contract=false</c> they are left for later and named.
/// </summary>
public sealed class ContractDbStep(RunContext run)
{
    public async Task<MigrationReport> RunAsync()
    {
        if (!run.Arguments.Has("contract") || run.Arguments.GetFlag("contract"))
        {
            return await new CheckedMigrateDbStep(run).RunAsync(MigrationPhase.Contract, "ContractDb");
        }

        var pending = await PendingContractsAsync();
        var which = pending.Count == 0 ? "none is pending" : string.Join(", ", pending);
        run.Reporter.Info($"--contract=false: contract migrations left for later ({which}; MigrateDb --phase=contract runs them); Rollback stays possible until then.");
        DeployRun.Current(run)?.Note($"ContractDb: left for later (--contract=false): {which}");
        return new MigrationReport(pending, [], 0);
    }

    // The contract migrations the release ships that the database has not applied (none known when it is not packaged).
    private async Task<IReadOnlyList<string>> PendingContractsAsync()
    {
        var version = await ReleaseVersion.ResolveAsync(run);
        var deploy = await DeployRun.ForAsync(run);
        if (!deploy.Releases.Exists(version))
        {
            return [];
        }

        var applied = await ContractGuard.AppliedAsync(run, deploy.Inventory, run.Cancellation);
        return [.. deploy.Releases.Find(version).Manifest.ContractMigrationNames().Where(m => !applied.Contains(m))];
    }
}
