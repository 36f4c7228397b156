using Platform.Core;
using Platform.Migrate;
using Platform.Release;
using Platform.Secure;

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
        return await MigrateAsync(MigrationPhase.Expand, "ExpandDb");
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
        deploy.Note($"CheckCompatibility: the smoke tests of {running} (running) passed on {version}'s schema");
    }

    public async Task<MigrationReport> ContractAsync()
    {
        if (!run.Arguments.Has("contract") || run.Arguments.GetFlag("contract"))
        {
            return await MigrateAsync(MigrationPhase.Contract, "ContractDb");
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

    /// <summary>
    /// The MigrateDb target (and ExpandDb, ContractDb): a contract runs only once every app node runs the
    /// release (<see cref="ContractReadiness"/>); migrations applied are written to the audit log, like a deploy.
    /// </summary>
    public async Task<MigrationReport> MigrateAsync(MigrationPhase? phase = null, string target = "MigrateDb")
    {
        phase ??= MigrateDbStep.PhaseOf(run.Arguments);
        var version = await ReleaseVersion.ResolveAsync(run);
        if (phase == MigrationPhase.Contract && File.Exists(run.InventoryFile))
        {
            await ContractReadiness.CheckAsync(run, version);
        }

        var report = await new MigrateDbStep(run).RunAsync(phase);
        if (!run.CheckMode && report.Applied.Count > 0)
        {
            await AuditMigrationsAsync(target, version, report);
        }

        if (!run.CheckMode)
        {
            DeployRun.Current(run)?.Note(report.Applied.Count == 0
                ? $"{target}: nothing to apply (schema at {report.SchemaVersion})"
                : $"{target}: applied {string.Join(", ", report.Applied.Select(Path.GetFileName))} (schema now {report.SchemaVersion})");
        }

        return report;
    }

    // A schema change is as much a change to production as a roll: who, which release, which scripts.
    private async Task AuditMigrationsAsync(string target, string version, MigrationReport report)
    {
        var line = AuditLog.Line(DateTimeOffset.UtcNow, run.Operator, target, version, "succeeded", run.CiBuild, changed: string.Join(",", report.Applied.Select(Path.GetFileName)), overrides: AuditLog.Overrides(run.Arguments));
        // Applied is applied: a Ctrl+C now must not lose the record of it.
        await AuditLog.RecordAsync(run, async token => await (await DeployRun.ForAsync(run)).LbAsync(token), line);
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
