using Platform.Core;
using Platform.Release;
using Platform.Secrets;

namespace Platform.Migrate;

/// <summary>
/// The migrations of the MigrateDb target (build.cake calls <c>CheckedMigrateDbStep</c> in Platform.Deploy,
/// which refuses a contract while a node runs an older release and audits what was applied): brings the database to what a release needs.
/// <c>--phase=expand</c> (default; before the roll, while release N still runs) or
/// <c>--phase=contract</c> (after every node runs N+1). <c>--version</c> picks the packaged release
/// whose migrations run (default from git). Before anything runs: expand scripts that would break
/// release N are refused (file, line, reason) and edited applied scripts are refused (checksums).
/// Two runs never interleave (<c>--lock-timeout</c>, default 60 s). Check mode lists what is pending.
/// </summary>
public sealed class MigrateDbStep(RunContext run)
{
    /// <summary><c>--lock-timeout</c>: how long to wait for another run's migration lock (checked in Setup too).</summary>
    public static TimeSpan LockTimeout(RunArguments arguments) => arguments.GetSeconds("lock-timeout", TimeSpan.FromSeconds(60));

    /// <summary>The phase <c>--phase</c> names: expand (the default) or contract.</summary>
    public static MigrationPhase PhaseOf(RunArguments arguments) => arguments.Get("phase", "expand") switch
    {
        "expand" => MigrationPhase.Expand,
        "contract" => MigrationPhase.Contract,
        var other => throw new PlatformException($"--phase={other} is not valid: use expand (before the roll) or contract (after every node runs the new release)."),
    };

    /// <summary>Runs the phase given (Deploy's ExpandDb/ContractDb), else the one <c>--phase</c> names.</summary>
    public async Task<MigrationReport> RunAsync(MigrationPhase? fixedPhase = null)
    {
        var phase = fixedPhase ?? PhaseOf(run.Arguments);
        var version = await ReleaseVersion.ResolveAsync(run);
        // Not packaged: a run that packages it first (Deploy) is previewed; any other fails here as the real one would.
        if (run.CheckMode && run.Packages && !new ReleaseStore(run.Layout.ReleasesDir).Exists(version))
        {
            run.Reporter.Info($"Check mode: would run the {phase.ToString().ToLowerInvariant()} migrations of release {version} (not packaged yet; a real run packages it first).");
            return new MigrationReport([], [], 0);
        }

        var release = new ReleaseStore(run.Layout.ReleasesDir).Find(version);
        var inventory = Inventory.Load(run.InventoryFile);
        var database = await CatalogDatabase.OpenAsync(run, inventory, SecretStoreFactory.Create(run), createMissing: !run.CheckMode);

        using var folder = WorkFolder.Create(run.Layout, "migrate");
        var work = folder.Path;
        await new ReleaseStore(run.Layout.ReleasesDir).ExtractAsync(release, work, run.Commands, run.Cancellation);
        var scripts = MigrationScript.LoadAll(Path.Combine(work, "app", "db"));

        var application = $"platform-migrate:{run.Operator}@{Environment.MachineName}";
        var owner = database.OwnerConnectionString(application);
        // Before anything is set up, so that a refusal changes nothing. What the database applied already is exempt: it
        // cannot change (and passed the rules of its day).
        ExpandGuard.Enforce(scripts, await AppliedSoFarAsync(owner, database.IsBootstrapped));
        run.Reporter.Info($"MigrateDb {phase.ToString().ToLowerInvariant()} for release {version} on {database.Server.Address}:{database.Server.Port}/{CatalogDatabase.Name}");
        if (!run.CheckMode)
        {
            await database.EnsureAsync(application, run.Cancellation);
        }

        if (!database.IsBootstrapped)
        {
            run.Reporter.Info("Check mode: the database is not created yet; every migration is pending:" + Environment.NewLine
                + string.Join(Environment.NewLine, scripts.Where(s => phase == MigrationPhase.Contract || s.Phase == MigrationPhase.Expand).Select(s => "  " + s.DisplayPath)));
            return new MigrationReport(scripts.Select(s => s.DisplayPath).ToList(), [], 0);
        }

        // The journal's grants change under the lock (two runs at once could clash on them); not cut short by a
        // Ctrl+C, so that what was applied is reported and audited (the next step stops the run).
        var report = await new DbMigrator(owner, run.Reporter)
            .RunLockedAsync(scripts, phase, run.CheckMode, work, LockTimeout(run.Arguments), run.Cancellation, run.CheckMode ? null : () => database.RestrictJournalAsync(DbMigrator.JournalTable, CancellationToken.None));

        if (run.CheckMode)
        {
            run.Reporter.Info(report.Pending.Count == 0
                ? "Check mode: nothing pending."
                : "Check mode: pending migrations (none run):" + Environment.NewLine + string.Join(Environment.NewLine, report.Pending.Select(p => "  " + p)));
            return report;
        }

        var left = report.Pending.Except(report.Applied).ToList();
        if (report.Applied.Count > 0)
        {
            run.Reporter.Info($"Applied {report.Applied.Count} migration(s), schema now at version {report.SchemaVersion}:" + Environment.NewLine + string.Join(Environment.NewLine, report.Applied.Select(p => "  " + p)));
        }
        else if (left.Count == 0)
        {
            run.Reporter.Info($"Nothing to do: schema is at version {report.SchemaVersion}.");
        }

        if (left.Count > 0)
        {
            // Stopped (Ctrl+C) between migrations: the ones not started are still pending, for the next run.
            run.Reporter.Warn($"Stopped before {left.Count} migration(s), still pending (the next MigrateDb or Deploy applies them):" + Environment.NewLine + string.Join(Environment.NewLine, left.Select(p => "  " + p)));
        }

        return report;
    }

    // The versions the database has applied; none when it cannot be asked yet (its roles and database come with the
    // first run; a database that is down is said by the step that sets them up, right after).
    private async Task<IReadOnlySet<int>> AppliedSoFarAsync(string owner, bool bootstrapped)
    {
        if (!bootstrapped)
        {
            return new HashSet<int>();
        }

        try
        {
            return (await new DbMigrator(owner, run.Reporter).AppliedAsync(run.Cancellation)).Keys.ToHashSet();
        }
        catch (PlatformException)
        {
            return new HashSet<int>();
        }
    }
}
