using Platform.Core;
using Platform.Migrate;
using Platform.Release;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// The MigrateDb target (and the migrations of ExpandDb and ContractDb): Migrate's <see cref="MigrateDbStep"/>,
/// with a contract refused until every app node runs the release (<see cref="ContractReadiness"/>), and the
/// migrations applied written to the audit log, like a deploy.
/// </summary>
public sealed class CheckedMigrateDbStep(RunContext run)
{
    public async Task<MigrationReport> RunAsync(MigrationPhase? phase = null, string target = "MigrateDb")
    {
        phase ??= MigrateDbStep.PhaseOf(run.Arguments);
        var version = await ReleaseVersion.ResolveAsync(run);
        if (phase == MigrationPhase.Contract && File.Exists(run.InventoryFile))
        {
            // Under the deploy lock, as a roll: a Rollback or RollNode beside it could otherwise put an older release on
            // the nodes between this check and the contract, or roll back past it on a guard read before it.
            await (await DeployRun.ForAsync(run)).LockAsync(target, version);
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

        // Stopped between migrations, what was applied now on record: the run ends as stopped, not as done.
        if (!run.CheckMode && report.Pending.Except(report.Applied).Any())
        {
            run.Cancellation.ThrowIfCancellationRequested();
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
}
