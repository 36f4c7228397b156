using Platform.Core;
using Platform.Migrate;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// The steps Deploy adds around RollNode: ExpandDb (under the deploy lock), CheckCompatibility
/// (the running release's own smoke tests against the expanded schema — if release N fails on
/// N+1's schema, no node is touched), ContractDb, and the final summary.
/// </summary>
public sealed class DeployChain(RunContext run)
{
    public async Task<MigrationReport> ExpandAsync()
    {
        var version = await ReleaseVersion.ResolveAsync(run);
        await (await DeployRun.ForAsync(run)).LockAsync("Deploy", version);
        return await new MigrateDbStep(run).RunAsync(MigrationPhase.Expand);
    }

    public async Task CheckCompatibilityAsync()
    {
        var version = await ReleaseVersion.ResolveAsync(run);
        var deploy = await DeployRun.ForAsync(run);
        var running = RunningRelease.Majority(await RunningRelease.ReadAllAsync(deploy, run.Cancellation));
        if (running is null || running == version)
        {
            run.Reporter.Info(running is null ? "Nothing runs yet: no compatibility to prove." : $"{version} already runs: no compatibility to prove.");
            return;
        }

        if (!deploy.Releases.Exists(running))
        {
            throw new PlatformException($"The running release {running} is not in {deploy.Releases.Directory}, so its smoke tests cannot prove it works on the new schema. Restore artifacts/releases/catalog-{running}.* (CI keeps them) or Package it.");
        }

        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would run the smoke tests of {running} against {deploy.Inventory.ServiceUrl}.");
            return;
        }

        await ServingCheck.RequireServingAsync(deploy.Inventory.ServiceUrl, run.Cancellation);
        await new SmokeTestRunner(run).RunAsync(deploy.Releases.Find(running), deploy.Inventory.ServiceUrl, $"proving {running} still works on {version}'s schema, before any node is touched");
    }

    public async Task<MigrationReport> ContractAsync()
    {
        if (!run.Arguments.Has("contract") || run.Arguments.GetFlag("contract"))
        {
            return await MigrateAsync(MigrationPhase.Contract);
        }

        run.Reporter.Info("--contract=false: contract migrations left for later (MigrateDb --phase=contract); Rollback stays possible until then.");
        return new MigrationReport([], [], 0);
    }

    /// <summary>The MigrateDb target (and ContractDb): a contract runs only once every app node runs the release (<see cref="ContractReadiness"/>).</summary>
    public async Task<MigrationReport> MigrateAsync(MigrationPhase? phase = null)
    {
        phase ??= MigrateDbStep.PhaseOf(run.Arguments);
        if (phase == MigrationPhase.Contract && File.Exists(run.InventoryFile))
        {
            await ContractReadiness.CheckAsync(run, await ReleaseVersion.ResolveAsync(run));
        }

        return await new MigrateDbStep(run).RunAsync(phase);
    }

    /// <summary>The Deploy target's own body: every step before it succeeded; say what runs where.</summary>
    public async Task SummarizeAsync()
    {
        var deploy = await DeployRun.ForAsync(run);
        var records = await RunningRelease.ReadAllAsync(deploy, run.Cancellation);
        foreach (var (node, record) in records)
        {
            run.Reporter.Info($"{node}: {record?.Version ?? "nothing"}{(record is null ? string.Empty : $" on port {record.Slot}")}");
        }

        var version = deploy.Version ?? await ReleaseVersion.ResolveAsync(run);
        run.Reporter.Info(run.CheckMode
            ? $"Check mode: would deploy {version} to '{run.Environment}' ({deploy.Inventory.ServiceUrl}); nothing was changed."
            : $"Deployed {version} to '{run.Environment}': {deploy.Inventory.ServiceUrl}");
    }
}
