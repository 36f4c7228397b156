using EvolveDb;
using EvolveDb.Configuration;
using Npgsql;
using Platform.Core;
using Platform.Release;

namespace Platform.Migrate;

/// <summary>What a migration run found and did.</summary>
public sealed record MigrationReport(IReadOnlyList<string> Pending, IReadOnlyList<string> Applied, int SchemaVersion);

/// <summary>
/// Runs one phase of a release's migrations with Evolve (which keeps the journal in
/// <c>public.changelog</c>, validates checksums and runs each migration in its own transaction).
/// Expand runs every expand script (plus the contract scripts already applied, so their checksums
/// are still validated); contract runs them all. Out-of-order is allowed because a contract script
/// may be older than an expand script that was applied before it. A migration waits for a table lock only so long
/// (<see cref="MigrationLockWaits"/>), then is tried again.
/// </summary>
public sealed class DbMigrator(string connectionString, IReporter reporter, MigrationLockWaits? lockWaits = null)
{
    public const string JournalTable = "changelog";

    // lock_not_available: lock_timeout ran out.
    private const string LockNotAvailable = "55P03";

    private readonly MigrationLockWaits _waits = lockWaits ?? MigrationLockWaits.Default;

    /// <summary>
    /// <see cref="RunAsync"/> under the migration lock (<see cref="MigrationLock"/>), as MigrateDb runs it: a second run
    /// waits up to <paramref name="lockTimeout"/>, then finds applied what the first applied.
    /// </summary>
    /// <param name="whileLocked">
    /// What else must not run beside another run's migrations (MigrateDb: the journal's grants), after them whether they
    /// succeeded or not (a first run that failed has made the journal too); its own failure after a failed run is only said.
    /// </param>
    public async Task<MigrationReport> RunLockedAsync(IReadOnlyList<MigrationScript> scripts, MigrationPhase phase, bool checkMode, string workDir, TimeSpan lockTimeout, CancellationToken cancellation, Func<Task>? whileLocked = null)
    {
        await using var held = await MigrationLock.AcquireAsync(connectionString, lockTimeout, reporter, cancellation);
        MigrationReport report;
        try
        {
            report = await RunAsync(scripts, phase, checkMode, workDir, cancellation);
        }
        catch (PlatformException) when (whileLocked is not null)
        {
            try
            {
                await whileLocked();
            }
            catch (Exception e) when (e is PlatformException or NpgsqlException)
            {
                reporter.Warn($"After the failed migration, this could not be done either: {e.Message}. The next MigrateDb does it.");
            }

            throw;
        }

        if (whileLocked is not null)
        {
            await whileLocked();
        }

        return report;
    }

    public async Task<MigrationReport> RunAsync(IReadOnlyList<MigrationScript> scripts, MigrationPhase phase, bool checkMode, string workDir, CancellationToken cancellation)
    {
        var applied = await AppliedAsync(cancellation);
        var selected = scripts.Where(s => phase == MigrationPhase.Contract || s.Phase == MigrationPhase.Expand || applied.ContainsKey(s.Version)).ToList();
        var folder = Path.Combine(workDir, "migrations-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // The applied ones first (Evolve checks them); the pending ones go in one at a time below.
            foreach (var script in selected.Where(s => applied.ContainsKey(s.Version) || checkMode))
            {
                File.Copy(script.Path, Path.Combine(folder, script.FileName));
            }

            var pending = selected.Where(s => !applied.ContainsKey(s.Version)).Select(s => s.DisplayPath).ToList();
            // A transactional migration's session waits for a lock no longer than lock_timeout (then it is rolled back whole
            // and tried again). One run outside a transaction (-- evolve-tx-off) waits as long as it must: CREATE INDEX
            // CONCURRENTLY waits out every older snapshot in the database, which lock_timeout would cut short, leaving an
            // INVALID index behind; and it holds no lock that stops the service meanwhile.
            var session = new NpgsqlConnectionStringBuilder(connectionString);
            session.Options = $"{session.Options} -c lock_timeout={(long)_waits.LockTimeout.TotalMilliseconds}".Trim();
            await using var waitingBriefly = new NpgsqlConnection(session.ConnectionString);
            await using var waitingLong = new NpgsqlConnection(connectionString);
            Evolve EvolveOn(NpgsqlConnection connection) => new(connection, message => reporter.Verbose("evolve: " + message), EvolveDb.Dialect.DBMS.PostgreSQL)
            {
                Locations = [folder],
                MetadataTableName = JournalTable,
                MetadataTableSchema = "public",
                Schemas = ["public"],
                OutOfOrder = true,
                IsEraseDisabled = true,
                TransactionMode = TransactionKind.CommitEach,
                CommandTimeout = CommandTimeoutSeconds,
            };

            try
            {
                if (checkMode)
                {
                    // Evolve's Validate also reports pending scripts as errors: compare checksums here instead.
                    var edited = selected.Where(s => applied.TryGetValue(s.Version, out var a) && !string.Equals(a.Checksum, Checksum(s.Path), StringComparison.OrdinalIgnoreCase)).ToList();
                    if (edited.Count > 0)
                    {
                        throw Edited(string.Join(", ", edited.Select(e => e.DisplayPath)), null);
                    }

                    return new MigrationReport(pending, [], applied.Keys.DefaultIfEmpty(0).Max());
                }

                // One migration per Evolve run, in version order: a Ctrl+C lets the one running finish (committed or
                // rolled back whole) and starts no other, rather than running every pending one to the end.
                foreach (var next in selected.Where(s => !applied.ContainsKey(s.Version)).OrderBy(s => s.Version))
                {
                    if (cancellation.IsCancellationRequested)
                    {
                        break;
                    }

                    File.Copy(next.Path, Path.Combine(folder, next.FileName));
                    if (!await MigrateWaitingForLocksAsync(EvolveOn(InTransaction(next) ? waitingBriefly : waitingLong), next, cancellation))
                    {
                        break;
                    }
                }
            }
            catch (EvolveValidationException ex)
            {
                throw Edited(ex.Message.Trim(), ex);
            }
            // Evolve's rollback on a connection that broke throws ObjectDisposedException, with the cause inside.
            catch (Exception ex) when (ex is EvolveException || Inner<NpgsqlException>(ex) is not null)
            {
                var failed = selected.FirstOrDefault(s => ex.Message.Contains(s.FileName, StringComparison.Ordinal));
                var pg = Inner<PostgresException>(ex);
                // Not PostgreSQL's Line: that is a line of its own source code, not of the script.
                var detail = pg is null ? ex.Message : $"{pg.SqlState}: {pg.MessageText}{(pg.Detail is null ? string.Empty : " (" + pg.Detail + ")")}{(pg.Hint is null ? string.Empty : "; hint: " + pg.Hint)}";
                // The server shut down or ended the session (57P01-57P03), or the connection broke: no fault of the script.
                // A timeout (Npgsql's or statement_timeout, 57014) is not: running it again would time out again.
                var databaseWentAway = pg?.SqlState is "57P01" or "57P02" or "57P03"
                    || (pg is null && Inner<TimeoutException>(ex) is null && (Inner<IOException>(ex) is not null || Inner<System.Net.Sockets.SocketException>(ex) is not null));
                var what = databaseWentAway
                    ? "the database went away while it ran: once it is back (Apply starts a stopped local database), run MigrateDb (or the Deploy) again."
                    : pg?.SqlState == LockNotAvailable
                        ? $"it could not have the locks it needs {(failed is null || InTransaction(failed) ? $"in {_waits.Tries} tries of {_waits.LockTimeout.TotalSeconds:0.#} s" : "within the server's lock_timeout")}: another session keeps them (a long transaction, a backup, a report). Find it (SELECT pid, state, xact_start, query FROM pg_stat_activity WHERE state <> 'idle' ORDER BY xact_start) and run MigrateDb (or the Deploy) again once it has ended."
                        : pg?.SqlState == "57014" || (pg is null && Inner<TimeoutException>(ex) is not null)
                            ? $"it was stopped before it finished (by a statement timeout: Platform's of {CommandTimeoutSeconds} s, or the role's or server's statement_timeout; or by an administrator's cancel). A migration that long holds its locks all that while: change the data in smaller batches, each a migration of its own, or outside the migrations; else run MigrateDb again."
                            : "fix the script and run MigrateDb again.";
                // A script run outside a transaction (-- evolve-tx-off, as CREATE INDEX CONCURRENTLY needs) is not rolled back.
                var undone = failed is not null && !InTransaction(failed)
                    ? "failed, and ran outside a transaction (evolve-tx-off): what it did before the failure stays (an index left INVALID by CREATE INDEX CONCURRENTLY: drop it with DROP INDEX CONCURRENTLY before trying again)"
                    : "failed and was rolled back";
                throw new PlatformException(
                    $"{(failed is null ? "A migration" : "Migration " + failed.DisplayPath)} {undone}: {detail}. Migrations applied before it in this run stay applied; {what}",
                    ex);
            }

            // What was committed is read even after a Ctrl+C, so that it is reported and audited rather than found
            // applied, unsaid, by the next run; what was left is still pending.
            var after = await AppliedAsync(CancellationToken.None);
            var done = selected.Where(s => after.ContainsKey(s.Version) && !applied.ContainsKey(s.Version)).Select(s => s.DisplayPath).ToList();
            return new MigrationReport(pending, done, after.Keys.DefaultIfEmpty(0).Max());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The longest one statement of a migration may run.
    private const int CommandTimeoutSeconds = 300;

    /// <summary>
    /// Runs Evolve for one migration; one that gave up waiting for a lock (rolled back whole) is tried again after a
    /// pause, saying so. False when stopped (Ctrl+C) during a pause: the migration is still pending.
    /// </summary>
    private async Task<bool> MigrateWaitingForLocksAsync(Evolve evolve, MigrationScript script, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Task.Run(evolve.Migrate, CancellationToken.None);
                return true;
            }
            // Not one run outside a transaction: what it did before the wait stays, and a second try would meet it.
            catch (Exception ex) when (Inner<PostgresException>(ex)?.SqlState == LockNotAvailable && attempt < _waits.Tries && InTransaction(script))
            {
                var pause = _waits.RetryDelays[attempt - 1];
                reporter.Warn($"Migration {script.DisplayPath} waited {_waits.LockTimeout.TotalSeconds:0.#} s for a lock another session keeps (a long transaction, a backup, a report) and was rolled back, so the service's queries on that table were held up no longer: trying again in {pause.TotalSeconds:0.#} s (try {attempt + 1} of {_waits.Tries}).");
                try
                {
                    await Task.Delay(pause, cancellation);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
        }
    }

    // Evolve runs a script whose first line says evolve-tx-off outside a transaction.
    private static bool InTransaction(MigrationScript script) =>
        !(File.ReadLines(script.Path).FirstOrDefault() ?? string.Empty).Contains("evolve-tx-off", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Evolve's checksum of a script: MD5 of its text, read without a BOM and with CRLF line ends taken as LF (as Evolve
    /// reads it), so that a script packaged from a Windows checkout is judged in check mode as the real run judges it.
    /// </summary>
    public static string Checksum(string path) =>
        Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal))));

    private static PlatformException Edited(string what, Exception? inner) =>
        new($"An applied migration was changed: {what}. Applied migrations are immutable: revert the edit and put the change in a new migration. Nothing was run.", inner!);

    private static T? Inner<T>(Exception ex)
        where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    /// <summary>Applied migrations (version → file name and checksum) from Evolve's journal; empty before the first run.</summary>
    public async Task<Dictionary<int, (string Name, string Checksum)>> AppliedAsync(CancellationToken cancellation)
    {
        await using var connection = await DatabaseConnection.OpenAsync(connectionString, cancellation);
        await using var exists = new NpgsqlCommand($"SELECT to_regclass('public.{JournalTable}') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellation))!)
        {
            return [];
        }

        await using var command = new NpgsqlCommand($"SELECT version, name, coalesce(checksum, '') FROM public.{JournalTable} WHERE type = 0 AND success", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var applied = new Dictionary<int, (string, string)>();
        while (await reader.ReadAsync(cancellation))
        {
            if (int.TryParse(reader.GetString(0), out var version))
            {
                applied[version] = (reader.GetString(1), reader.GetString(2));
            }
        }

        return applied;
    }
}
