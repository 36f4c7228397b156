using Platform.Core;
using Platform.Migrate;
using Platform.Release;
using Platform.Secrets;

namespace Platform.Deploy;

/// <summary>
/// Refuses to put a release on the nodes when the database was contracted past it: a contract
/// migration of the release running now was applied and the release does not ship it (it dropped or
/// changed what that release still uses, so it would fail on every request while looking healthy).
/// Stage, RollNode and Rollback ask before any node is touched; <c>--force</c> overrides. The database is
/// asked as soon as the guard is created, while the nodes are asked what they run: no wait added.
/// </summary>
public sealed class ContractGuard
{
    private readonly RunContext _run;
    private readonly DeployRun _deploy;
    private readonly Task<IReadOnlyList<string>>? _applied;

    public ContractGuard(RunContext run, DeployRun deploy, CancellationToken cancellation)
    {
        _run = run;
        _deploy = deploy;
        if (!run.Arguments.GetFlag("force"))
        {
            _applied = AppliedAsync(cancellation);
            _ = _applied.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed even when not needed
        }
    }

    public async Task CheckAsync(PackagedRelease target, string? running)
    {
        if (_applied is null || running is null || running == target.Version)
        {
            return;
        }

        if (!_deploy.Releases.Exists(running))
        {
            _run.Reporter.Warn($"Cannot tell whether the database was contracted past {target.Version}: the release the nodes run, {running}, is not in {_deploy.Releases.Directory} (its manifest names its contract migrations). Package it there to have this checked.");
            return;
        }

        var contractOfRunning = _deploy.Releases.Find(running).Manifest.Migrations.Where(m => m.StartsWith("contract/", StringComparison.Ordinal)).Select(Path.GetFileName).ToHashSet();
        if (contractOfRunning.Count == 0)
        {
            return;
        }

        var shipped = target.Manifest.Migrations.Select(Path.GetFileName).ToHashSet();
        var blocking = (await _applied).Where(n => contractOfRunning.Contains(n) && !shipped.Contains(n)).ToList();
        if (blocking.Count > 0)
        {
            throw new PlatformException(
                $"Refusing to put {target.Version} on the nodes (they run {running}): the database was contracted past it ({string.Join(", ", blocking)} applied), so {target.Version} would break. Roll forward instead, or pass --force if you are sure. Nothing was changed.");
        }
    }

    // The names of the migrations applied (none before the database was set up).
    private async Task<IReadOnlyList<string>> AppliedAsync(CancellationToken cancellation)
    {
        var database = await CatalogDatabase.OpenAsync(_run, _deploy.Inventory, SecretStoreFactory.Create(_run), createMissing: false);
        if (!database.IsBootstrapped)
        {
            return [];
        }

        var applied = await new DbMigrator(database.OwnerConnectionString("platform-contract-guard"), _run.Reporter).AppliedAsync(cancellation);
        return applied.Values.Select(a => a.Name).ToList();
    }
}
