using Platform.Core;
using Platform.Migrate;
using Platform.Release;
using Platform.Secrets;

namespace Platform.Deploy;

/// <summary>
/// Refuses to put a release on the nodes when the database was contracted past it: a contract
/// migration of the release running now was applied and the release does not ship it (it dropped or
/// changed what that release still uses, so it would fail on every request while looking healthy).
/// RollNode and Rollback ask before any node is touched; <c>--force</c> overrides.
/// </summary>
public sealed class ContractGuard(RunContext run, DeployRun deploy)
{
    public async Task CheckAsync(PackagedRelease target, string? running, CancellationToken cancellation)
    {
        if (running is null || running == target.Version || run.Arguments.GetFlag("force") || !deploy.Releases.Exists(running))
        {
            return;
        }

        var contractOfRunning = deploy.Releases.Find(running).Manifest.Migrations.Where(m => m.StartsWith("contract/", StringComparison.Ordinal)).Select(Path.GetFileName).ToHashSet();
        if (contractOfRunning.Count == 0)
        {
            return;
        }

        var database = await CatalogDatabase.OpenAsync(run, deploy.Inventory, SecretStoreFactory.Create(run), createMissing: false);
        if (!database.IsBootstrapped)
        {
            return;
        }

        var applied = await new DbMigrator(database.OwnerConnectionString("platform-contract-guard"), run.Reporter).AppliedAsync(cancellation);
        var shipped = target.Manifest.Migrations.Select(Path.GetFileName).ToHashSet();
        var blocking = applied.Values.Select(a => a.Name).Where(n => contractOfRunning.Contains(n) && !shipped.Contains(n)).ToList();
        if (blocking.Count > 0)
        {
            throw new PlatformException(
                $"Refusing to put {target.Version} on the nodes (they run {running}): the database was contracted past it ({string.Join(", ", blocking)} applied), so {target.Version} would break. Roll forward instead, or pass --force if you are sure. Nothing was changed.");
        }
    }
}
