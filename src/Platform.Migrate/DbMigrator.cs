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
/// may be older than an expand script that was applied before it.
/// </summary>
public sealed class DbMigrator(string connectionString, IReporter reporter)
{
    public const string JournalTable = "changelog";

    /// <summary>
    /// <see cref="RunAsync"/> under the migration lock (<see cref="MigrationLock"/>), as MigrateDb runs it: a second run
    /// waits up to <paramref name="lockTimeout"/>, then finds applied what the first applied.
    /// </summary>
    /// <param name="whileLocked">What else must not run beside another run's migrations (MigrateDb: the journal's grants), given the report.</param>
    public async Task<MigrationReport> RunLockedAsync(IReadOnlyList<MigrationScript> scripts, MigrationPhase phase, bool checkMode, string workDir, TimeSpan lockTimeout, CancellationToken cancellation, Func<MigrationReport, Task>? whileLocked = null)
    {
        await using var held = await MigrationLock.AcquireAsync(connectionString, lockTimeout, reporter, cancellation);
        var report = await RunAsync(scripts, phase, checkMode, workDir, cancellation);
        if (whileLocked is not null)
        {
            await whileLocked(report);
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
            await using var connection = new NpgsqlConnection(connectionString);
            var evolve = new Evolve(connection, message => reporter.Verbose("evolve: " + message), EvolveDb.Dialect.DBMS.PostgreSQL)
            {
                Locations = [folder],
                MetadataTableName = JournalTable,
                MetadataTableSchema = "public",
                Schemas = ["public"],
                OutOfOrder = true,
                IsEraseDisabled = true,
                TransactionMode = TransactionKind.CommitEach,
                CommandTimeout = 300,
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
                    await Task.Run(evolve.Migrate, CancellationToken.None);
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
                var detail = pg is null ? ex.Message : $"{pg.SqlState}: {pg.MessageText}{(pg.Detail is null ? string.Empty : " (" + pg.Detail + ")")}{(pg.Line is null ? string.Empty : ", line " + pg.Line)}";
                // The server shut down or ended the session (57P01-57P03), or the connection broke: no fault of the script.
                // A timeout (Npgsql's or statement_timeout, 57014) is not: running it again would time out again.
                var databaseWentAway = pg?.SqlState is "57P01" or "57P02" or "57P03"
                    || (pg is null && Inner<TimeoutException>(ex) is null && (Inner<IOException>(ex) is not null || Inner<System.Net.Sockets.SocketException>(ex) is not null));
                throw new PlatformException(
                    $"{(failed is null ? "A migration" : "Migration " + failed.DisplayPath)} failed and was rolled back: {detail}. Migrations applied before it in this run stay applied; " +
                    (databaseWentAway
                        ? "the database went away while it ran: once it is back (Apply starts a stopped local database), run MigrateDb (or the Deploy) again."
                        : "fix the script and run MigrateDb again."),
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

    /// <summary>Evolve's checksum of a script: MD5 of its bytes.</summary>
    public static string Checksum(string path) => Convert.ToHexString(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(path)));

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
