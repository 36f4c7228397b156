using Platform.Core;
using Platform.Migrate;
using Platform.Secrets;

namespace Platform.Deploy;

/// <summary>
/// The Rollback target: rolls every app node back to the previous release (the one each node ran
/// before; <c>--version=</c> picks another kept release) with the same zero-downtime steps.
/// Refused when the database was already contracted past that release (a contract migration it
/// does not ship was applied), unless <c>--force</c>.
/// </summary>
public sealed class RollbackStep(RunContext run)
{
    public async Task<RollResult> RunAsync()
    {
        var deploy = await DeployRun.ForAsync(run);
        var records = await RunningRelease.ReadAllAsync(deploy, run.Cancellation);
        var running = RunningRelease.Majority(records)
            ?? throw new PlatformException("Nothing is deployed: there is nothing to roll back.");
        var target = run.Arguments.Get("version")
            ?? records.Values.Where(r => r is not null && r.Version == running).Select(r => r!.Previous.FirstOrDefault()).FirstOrDefault(v => v is not null)
            ?? throw new PlatformException($"The nodes run {running} and keep no earlier release: pass --version=X.Y.Z.");
        if (target == running && records.Values.All(r => r?.Version == target))
        {
            run.Reporter.Info($"Every node already runs {target}: nothing to roll back.");
        }

        var release = deploy.Releases.Find(target);
        await GuardContractAsync(deploy, release.Manifest.Migrations, target, running);
        run.Reporter.Info($"Rolling back from {running} to {target}");
        return await new RollNodeStep(run).RunAsync(target, "Rollback");
    }

    private async Task GuardContractAsync(DeployRun deploy, IReadOnlyList<string> shipped, string target, string running)
    {
        if (run.Arguments.GetFlag("force") || !deploy.Releases.Exists(running))
        {
            return;
        }

        var contractOfRunning = deploy.Releases.Find(running).Manifest.Migrations.Where(m => m.StartsWith("contract/", StringComparison.Ordinal)).Select(Path.GetFileName).ToHashSet();
        var database = await CatalogDatabase.OpenAsync(run, deploy.Inventory, SecretStoreFactory.Create(run), createMissing: false);
        if (!database.IsBootstrapped)
        {
            return;
        }

        var applied = await new DbMigrator(database.OwnerConnectionString("platform-rollback"), run.Reporter).AppliedAsync(run.Cancellation);
        var shippedNames = shipped.Select(Path.GetFileName).ToHashSet();
        var blocking = applied.Values.Select(a => a.Name).Where(n => contractOfRunning.Contains(n) && !shippedNames.Contains(n)).ToList();
        if (blocking.Count > 0)
        {
            throw new PlatformException(
                $"Refusing to roll back to {target}: the database was contracted past it ({string.Join(", ", blocking)} applied), so {target} would break. Roll forward instead, or pass --force if you are sure. Nothing was changed.");
        }
    }
}
