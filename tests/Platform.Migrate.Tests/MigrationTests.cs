using Npgsql;
using Platform.Core;
using Platform.Secrets;
using Platform.TestSupport;
using Platform.Release;

namespace Platform.Migrate.Tests;

/// <summary>Migrations against a real PostgreSQL 15 cluster: one throwaway cluster per fixture, a fresh database per test.</summary>
[TestFixture]
[Category("Integration")]
public sealed class MigrationTests
{
    private PostgresCluster _cluster = null!;
    private string _scratch = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _cluster = await PostgresCluster.StartAsync("migrate");
        _scratch = RepositoryRoot.NewScratch("migrate-work");
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        await _cluster.DisposeAsync();
        RepositoryRoot.RemoveScratch(_scratch);
    }

    /// <summary>A copy of the component's migrations the test may edit, and an empty database owned by a fresh owner.</summary>
    private async Task<(string DbDir, string ConnectionString)> FreshAsync()
    {
        var dbDir = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "catalog-db"), "*.sql", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dbDir, Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "catalog-db"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var database = await _cluster.CreateDatabaseAsync();
        return (dbDir, _cluster.ConnectionString(database));
    }

    private DbMigrator Migrator(string connectionString) => new(connectionString, new RecordingReporter());

    [Test]
    public async Task A_refused_login_or_a_missing_database_names_the_role_or_database_and_what_to_run()
    {
        var wrongPassword = await Assert.ThrowsAsync<PlatformException>(() => DatabaseConnection.OpenAsync(_cluster.ConnectionString(password: "not-the-password-7f3a"), CancellationToken.None));
        var noDatabase = await Assert.ThrowsAsync<PlatformException>(() => DatabaseConnection.OpenAsync(_cluster.ConnectionString("no_such_db"), CancellationToken.None));
        // As on a database Apply has just made: the catalog's roles come with the first migration.
        var noRole = await Assert.ThrowsAsync<PlatformException>(() => DatabaseConnection.OpenAsync(_cluster.ConnectionString(user: "catalog_owner_not_yet", password: "x"), CancellationToken.None));

        Assert.That(wrongPassword!.Message, Does.Contain("refused the login of 'postgres'").And.Contain("re-run Apply").And.Contain("Nothing was changed").And.Not.Contain("not-the-password-7f3a"));
        Assert.That(noDatabase!.Message, Does.Contain("has no database 'no_such_db'").And.Contain("MigrateDb"));
        Assert.That(noRole!.Message, Does.Contain("refused the login of 'catalog_owner_not_yet'").And.Contain("the role does not exist yet").And.Contain("MigrateDb, ExpandDb or Deploy creates them"));
    }

    private static async Task<List<string>> ColumnsAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT column_name FROM information_schema.columns WHERE table_name = @t ORDER BY ordinal_position", connection);
        command.Parameters.AddWithValue("t", table);
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    [Test]
    public async Task From_empty_expand_applies_every_expand_migration_and_a_rerun_does_nothing()
    {
        var (dbDir, cs) = await FreshAsync();
        var scripts = MigrationScript.LoadAll(dbDir);

        var first = await Migrator(cs).RunAsync(scripts, MigrationPhase.Expand, false, _scratch, CancellationToken.None);
        var second = await Migrator(cs).RunAsync(scripts, MigrationPhase.Expand, false, _scratch, CancellationToken.None);

        Assert.That(first.Applied, Is.EqualTo(new[] { "db/expand/V1__create_items.sql", "db/expand/V2__items_search_name.sql", "db/expand/V3__items_description.sql" }));
        Assert.That(first.SchemaVersion, Is.EqualTo(3));
        Assert.That(second.Applied, Is.Empty);
        Assert.That(await ColumnsAsync(cs, "items"), Does.Contain("search_name").And.Contain("description"));
    }

    [Test]
    public async Task Contract_runs_only_in_the_contract_phase_and_expand_keeps_validating_it_afterwards()
    {
        var (dbDir, cs) = await FreshAsync();
        var scripts = MigrationScript.LoadAll(dbDir);
        await Migrator(cs).RunAsync(scripts, MigrationPhase.Expand, false, _scratch, CancellationToken.None);

        var contract = await Migrator(cs).RunAsync(scripts, MigrationPhase.Contract, false, _scratch, CancellationToken.None);
        var expandAgain = await Migrator(cs).RunAsync(scripts, MigrationPhase.Expand, false, _scratch, CancellationToken.None);

        Assert.That(contract.Applied, Is.EqualTo(new[] { "db/contract/V4__drop_items_search_name.sql" }));
        Assert.That(await ColumnsAsync(cs, "items"), Does.Not.Contain("search_name"));
        Assert.That(expandAgain.Applied, Is.Empty);
        Assert.That(expandAgain.SchemaVersion, Is.EqualTo(4));
    }

    [Test]
    public async Task An_edited_applied_script_is_refused_before_anything_runs()
    {
        var (dbDir, cs) = await FreshAsync();
        await Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None);
        File.AppendAllText(Path.Combine(dbDir, "expand", "V2__items_search_name.sql"), "\n-- edited after it was applied\n");
        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__items_sku.sql"), "ALTER TABLE items ADD COLUMN sku text;");

        var error = await Assert.ThrowsAsync<PlatformException>(() => Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("V2__items_search_name").And.Contain("Nothing was run"));
        Assert.That(await ColumnsAsync(cs, "items"), Does.Not.Contain("sku"));
        var check = await Assert.ThrowsAsync<PlatformException>(() => Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, true, _scratch, CancellationToken.None));
        Assert.That(check!.Message, Does.Contain("db/expand/V2__items_search_name.sql"), "check mode finds the edit too");
    }

    [Test]
    public async Task A_failing_migration_leaves_no_partial_schema()
    {
        var (dbDir, cs) = await FreshAsync();
        await Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None);
        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__half_done.sql"), "ALTER TABLE items ADD COLUMN sku text;\nCREATE TABLE extra (id int);\nSELECT 1/0;\n");

        var error = await Assert.ThrowsAsync<PlatformException>(() => Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("db/expand/V5__half_done.sql").And.Contain("rolled back").And.Contain("division by zero"));
        Assert.That(await ColumnsAsync(cs, "items"), Does.Not.Contain("sku"));
        Assert.That(await ColumnsAsync(cs, "extra"), Is.Empty);
        Assert.That((await Migrator(cs).AppliedAsync(CancellationToken.None)).Keys, Is.EquivalentTo(new[] { 1, 2, 3 }));
    }

    // PostgreSQL's own "line" is one of its source code, which used to be quoted as if it were the script's.
    [Test]
    public async Task A_failing_statement_is_said_with_postgresqls_error_and_hint_and_no_line_of_postgresqls_source()
    {
        var (dbDir, cs) = await FreshAsync();
        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__typo.sql"), "-- a typo on line 4\nALTER TABLE items ADD COLUMN sku text;\n\nUPDATE items SET sku = nosuchcolumn;\n");

        var error = await Assert.ThrowsAsync<PlatformException>(() => Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("42703: column \"nosuchcolumn\" does not exist").And.Contain("fix the script").And.Not.Contain(", line "));
    }

    // A schema change queued behind a long transaction would hold up every query on its table as long: it gives up after
    // lock_timeout (rolled back whole), the service's queries go on, and it is tried again.
    [Test]
    public async Task A_migration_kept_waiting_for_its_table_gives_up_lets_queries_through_and_is_tried_again()
    {
        var (dbDir, cs) = await FreshAsync();
        await Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None);
        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__items_sku.sql"), "ALTER TABLE items ADD COLUMN sku text;");
        await using var report = await ReaderInTransactionAsync(cs);
        var reporter = new RecordingReporter();
        var waits = new MigrationLockWaits(TimeSpan.FromMilliseconds(300), [TimeSpan.FromMilliseconds(700), TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(5)]);

        var running = new DbMigrator(cs, reporter, waits).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None);
        await Poll.UntilAsync(() => Task.FromResult(reporter.Text.Contains("trying again", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20), "the migration never gave up waiting");
        // Behind a waiting ALTER TABLE this query would queue (and time out): it goes through between tries.
        var served = await CountItemsAsync(cs, TimeSpan.FromSeconds(2));
        await report.CommitAsync();
        var migrated = await running;

        Assert.That(served, Is.Zero, "the query went through");
        Assert.That(migrated.Applied, Is.EqualTo(new[] { "db/expand/V5__items_sku.sql" }));
        Assert.That(reporter.Text, Does.Contain("Migration db/expand/V5__items_sku.sql waited 0.3 s for a lock another session keeps").And.Contain("(try 2 of 4)"));
        Assert.That(await ColumnsAsync(cs, "items"), Does.Contain("sku"));
    }

    [Test]
    public async Task A_migration_that_never_gets_its_table_fails_saying_how_to_find_who_keeps_it()
    {
        var (dbDir, cs) = await FreshAsync();
        await Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None);
        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__items_sku.sql"), "ALTER TABLE items ADD COLUMN sku text;");
        await using var report = await ReaderInTransactionAsync(cs);
        var waits = new MigrationLockWaits(TimeSpan.FromMilliseconds(200), [TimeSpan.FromMilliseconds(100)]);

        var error = await Assert.ThrowsAsync<PlatformException>(() => new DbMigrator(cs, new RecordingReporter(), waits).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("55P03").And.Contain("in 2 tries of 0.2 s").And.Contain("pg_stat_activity").And.Not.Contain("fix the script"));
        Assert.That(await ColumnsAsync(cs, "items"), Does.Not.Contain("sku"));
    }

    // CREATE INDEX CONCURRENTLY runs outside a transaction: a failure leaves an INVALID index, which the message names
    // as left behind (with what to do), not as rolled back.
    [Test]
    public async Task A_failing_script_run_outside_a_transaction_says_what_it_may_have_left()
    {
        var (dbDir, cs) = await FreshAsync();
        await Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None);
        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync();
            await using var twice = new NpgsqlCommand("INSERT INTO items (name, price) VALUES ('Lamp', 1), ('Lamp', 2)", connection);
            await twice.ExecuteNonQueryAsync();
        }

        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__items_name_uq.sql"), "-- evolve-tx-off\nCREATE UNIQUE INDEX CONCURRENTLY items_name_uq ON items (name);\n");

        var error = await Assert.ThrowsAsync<PlatformException>(() => Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("V5__items_name_uq.sql failed, and ran outside a transaction").And.Contain("DROP INDEX CONCURRENTLY").And.Contain("23505").And.Not.Contain("rolled back"));
    }

    // CREATE INDEX CONCURRENTLY waits out every older snapshot in the database (a report, a backup on any table): no
    // lock_timeout cuts that wait short (it would leave an INVALID index), and it stops no query of the service meanwhile.
    [Test]
    public async Task A_concurrent_index_build_waits_out_older_transactions_however_long()
    {
        var (dbDir, cs) = await FreshAsync();
        await Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None);
        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__items_name.sql"), "-- evolve-tx-off\nCREATE INDEX CONCURRENTLY items_name ON items (name);\n");
        await using var snapshot = new NpgsqlConnection(cs);
        await snapshot.OpenAsync();
        await using var older = await snapshot.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM changelog", snapshot, older))
        {
            await read.ExecuteScalarAsync();
        }

        var waits = new MigrationLockWaits(TimeSpan.FromMilliseconds(200), [TimeSpan.FromMilliseconds(100)]);
        var running = new DbMigrator(cs, new RecordingReporter(), waits).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.That(running.IsCompleted, Is.False, "the build waits for the older transaction");
        await older.CommitAsync();

        var report = await running;
        Assert.That(report.Applied, Is.EqualTo(new[] { "db/expand/V5__items_name.sql" }));
        await using var valid = new NpgsqlCommand("SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_name'::regclass", snapshot);
        Assert.That(await valid.ExecuteScalarAsync(), Is.True);
    }

    // A report's long transaction on the catalog's table (it keeps an ACCESS SHARE lock until it ends).
    private static async Task<OpenReader> ReaderInTransactionAsync(string cs)
    {
        var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var read = new NpgsqlCommand("SELECT count(*) FROM items", connection, transaction);
        await read.ExecuteScalarAsync();
        return new OpenReader(connection, transaction);
    }

    private sealed class OpenReader(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task CommitAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private static async Task<long> CountItemsAsync(string cs, TimeSpan within)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SET statement_timeout = {(long)within.TotalMilliseconds}; SELECT count(*) FROM items", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    // A release packaged from a Windows checkout has CRLF line ends (and maybe a BOM): check mode must judge its applied
    // scripts as Evolve does, not refuse what a real run accepts.
    [TestCase("\r\n", false)]
    [TestCase("\r\n", true)]
    [TestCase("\n", true)]
    public async Task Check_mode_takes_an_applied_script_as_evolve_does_whatever_its_line_ends_and_bom(string lineEnd, bool bom)
    {
        var (dbDir, cs) = await FreshAsync();
        var script = Path.Combine(dbDir, "expand", "V5__items_sku.sql");
        var text = string.Join(lineEnd, "-- a release's script", "ALTER TABLE items ADD COLUMN sku text;", string.Empty);
        File.WriteAllBytes(script, [.. bom ? System.Text.Encoding.UTF8.GetPreamble() : [], .. System.Text.Encoding.UTF8.GetBytes(text)]);
        await Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None);

        var check = await Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, true, _scratch, CancellationToken.None);

        Assert.That(check.Pending, Is.Empty);
        Assert.That(DbMigrator.Checksum(script), Is.EqualTo((await Migrator(cs).AppliedAsync(CancellationToken.None))[5].Checksum).IgnoreCase);
    }

    // MigrateDb restricts the journal's grants under the lock: after a failed run too (a first one has made the journal).
    [Test]
    public async Task What_follows_the_migrations_under_the_lock_follows_a_failed_run_too()
    {
        var (dbDir, cs) = await FreshAsync();
        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__broken.sql"), "SELECT 1/0;");
        var followed = 0;

        Assert.That(
            async () => await Migrator(cs).RunLockedAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, TimeSpan.FromSeconds(30), CancellationToken.None, () => Task.FromResult(++followed)),
            Throws.TypeOf<PlatformException>().With.Message.Contains("division by zero"));
        Assert.That(followed, Is.EqualTo(1));
    }

    [Test]
    public async Task Check_mode_lists_pending_migrations_and_runs_nothing()
    {
        var (dbDir, cs) = await FreshAsync();

        var report = await Migrator(cs).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, true, _scratch, CancellationToken.None);

        Assert.That(report.Pending, Has.Count.EqualTo(3));
        Assert.That(await ColumnsAsync(cs, "items"), Is.Empty);
    }

    [Test]
    public async Task A_second_run_waits_for_the_lock_and_times_out_naming_the_holder()
    {
        var (_, cs) = await FreshAsync();
        var holder = new NpgsqlConnectionStringBuilder(cs) { ApplicationName = "platform-migrate:alice@laptop" }.ConnectionString;
        var reporter = new RecordingReporter();

        await using (await MigrationLock.AcquireAsync(holder, TimeSpan.FromSeconds(5), reporter, CancellationToken.None))
        {
            var error = await Assert.ThrowsAsync<PlatformException>(() => MigrationLock.AcquireAsync(cs, TimeSpan.FromSeconds(1), reporter, CancellationToken.None));
            Assert.That(error!.Message, Does.Contain("'platform-migrate:alice@laptop'").And.Contain("connected since"));
        }

        await using var after = await MigrationLock.AcquireAsync(cs, TimeSpan.FromSeconds(1), reporter, CancellationToken.None);
    }

    [Test]
    public async Task Two_concurrent_runs_are_serialized_and_apply_each_migration_once()
    {
        var (dbDir, cs) = await FreshAsync();
        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__slow.sql"), "SELECT pg_sleep(1.5);\nALTER TABLE items ADD COLUMN sku text;");
        var scripts = MigrationScript.LoadAll(dbDir);
        var reporter = new RecordingReporter();

        // As MigrateDb runs them.
        Task<MigrationReport> Run() => new DbMigrator(cs, reporter).RunLockedAsync(scripts, MigrationPhase.Expand, false, _scratch, TimeSpan.FromSeconds(30), CancellationToken.None);

        var reports = await Task.WhenAll(Run(), Run());

        Assert.That(reports.Sum(r => r.Applied.Count), Is.EqualTo(4), "every migration applied exactly once across both runs");
        Assert.That(reports.Count(r => r.Applied.Count == 0), Is.EqualTo(1), "the second run found nothing left to do");
        Assert.That(reporter.Text, Does.Contain("Waiting for the migration lock"));
    }

    // Ctrl+C while a migration runs: Evolve finishes it (it cannot be stopped half-way), what it committed is reported, not lost,
    // and the migrations after it are not started.
    [Test]
    public async Task A_run_interrupted_while_a_migration_runs_reports_what_was_committed()
    {
        var (dbDir, cs) = await FreshAsync();
        // V5 waits for a lock this test holds: the interruption comes while it runs, however busy the machine.
        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__waits.sql"), "SELECT pg_advisory_xact_lock(4242);\nALTER TABLE items ADD COLUMN sku text;");
        File.WriteAllText(Path.Combine(dbDir, "expand", "V6__after.sql"), "ALTER TABLE items ADD COLUMN colour text;");
        var scripts = MigrationScript.LoadAll(dbDir);
        await using var holder = new NpgsqlConnection(cs);
        await holder.OpenAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_lock(4242)", holder))
        {
            await hold.ExecuteNonQueryAsync();
        }

        using var interrupt = new CancellationTokenSource();
        var running = new DbMigrator(cs, new RecordingReporter()).RunLockedAsync(scripts, MigrationPhase.Expand, false, _scratch, TimeSpan.FromSeconds(30), interrupt.Token);
        await Poll.UntilAsync(() => WaitingForTheTestsLockAsync(cs), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50), "V5 never began");

        await interrupt.CancelAsync();
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(4242)", holder))
        {
            await release.ExecuteNonQueryAsync();
        }

        var report = await running;

        Assert.That(report.Applied, Does.Contain("db/expand/V5__waits.sql"));
        Assert.That(report.SchemaVersion, Is.EqualTo(5), "the migration after it was not started");
        Assert.That(report.Pending.Except(report.Applied), Is.EqualTo(new[] { "db/expand/V6__after.sql" }), "and is still pending");
    }

    private static async Task<bool> WaitingForTheTestsLockAsync(string cs)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted", connection);
        return (long)(await query.ExecuteScalarAsync())! > 0;
    }

    [Test]
    public async Task A_database_that_goes_away_during_a_migration_is_named_as_such_not_as_a_faulty_script()
    {
        var (dbDir, cs) = await FreshAsync();
        File.WriteAllText(Path.Combine(dbDir, "expand", "V5__slow.sql"), "SELECT pg_sleep(30);\nALTER TABLE items ADD COLUMN sku text;");
        var scripts = MigrationScript.LoadAll(dbDir);
        var running = new DbMigrator(cs, new RecordingReporter()).RunLockedAsync(scripts, MigrationPhase.Expand, false, _scratch, TimeSpan.FromSeconds(30), CancellationToken.None);
        await Poll.UntilAsync(() => SlowMigrationRunsAsync(cs), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50), "V5 never began");

        // As a database shutting down does to its sessions (57P01).
        await using (var admin = new NpgsqlConnection(cs))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND pid <> pg_backend_pid()", admin);
            await terminate.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<PlatformException>(() => running);
        Assert.That(error!.Message, Does.Contain("57P01").And.Contain("the database went away while it ran").And.Contain("run MigrateDb (or the Deploy) again").And.Not.Contain("fix the script"));
    }

    private static async Task<bool> SlowMigrationRunsAsync(string cs)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(%' AND pid <> pg_backend_pid()", connection);
        return (long)(await query.ExecuteScalarAsync())! > 0;
    }

    // PostgreSQL hashes a password it is given itself; the verifier Platform sends instead must be the
    // very one it would store for the same salt, or the roles could not log in.
    [Test]
    public async Task The_scram_verifier_is_the_one_postgresql_makes_for_the_same_salt()
    {
        await using var admin = new NpgsqlConnection(_cluster.ConnectionString());
        await admin.OpenAsync();
        var role = "scram_" + Guid.NewGuid().ToString("N")[..8];
        await using (var create = new NpgsqlCommand($"SET password_encryption = 'scram-sha-256'; CREATE ROLE {role} LOGIN PASSWORD 'pencil-7!x'", admin))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var read = new NpgsqlCommand($"SELECT rolpassword FROM pg_authid WHERE rolname = '{role}'", admin);
        var stored = (string)(await read.ExecuteScalarAsync())!;
        var salt = Convert.FromBase64String(stored.Split('$')[1].Split(':')[1]);

        Assert.That(ScramVerifier.For("pencil-7!x", salt), Is.EqualTo(stored));
        Assert.That(ScramVerifier.For("pencil-7!y", salt), Is.Not.EqualTo(stored));
    }

    [Test]
    public async Task The_service_role_may_change_rows_but_not_the_schema_or_the_journal()
    {
        var store = new FileSecretStore(Path.Combine(_scratch, "secrets-" + Guid.NewGuid().ToString("N")));
        var inventory = new Inventory
        {
            Environment = "test",
            ServiceUrl = "http://127.0.0.1",
            Hosts = [new InventoryHost { Name = "db", Roles = ["db"], Address = _cluster.Address, SshPort = 22, SshUser = "root", HostKeyFingerprint = "SHA256:x", BaseDir = "/" }],
            Database = new DatabaseInfo { Host = "db", Address = _cluster.Address, Port = _cluster.Port, AdminUser = "postgres", AdminPasswordFile = _cluster.PasswordFile },
        };
        var run = new RunContext(new EnvironmentLayout(RepositoryRoot.Path, "local", _scratch), RunArguments.Empty, false, new RecordingReporter());
        var database = await CatalogDatabase.OpenAsync(run, inventory, store);
        await database.EnsureAsync("test", CancellationToken.None);
        await database.EnsureAsync("test", CancellationToken.None);
        var (dbDir, _) = await FreshAsync();
        await Migrator(database.OwnerConnectionString("test")).RunAsync(MigrationScript.LoadAll(dbDir), MigrationPhase.Expand, false, _scratch, CancellationToken.None);
        await database.RestrictJournalAsync(DbMigrator.JournalTable, CancellationToken.None);

        await using var app = new NpgsqlConnection(database.AppConnectionString());
        await app.OpenAsync();
        async Task<string?> Try(string sql)
        {
            try
            {
                await using var command = new NpgsqlCommand(sql, app);
                await command.ExecuteNonQueryAsync();
                return null;
            }
            catch (PostgresException ex)
            {
                return ex.SqlState;
            }
        }

        Assert.That(await Try("INSERT INTO items (name, price) VALUES ('a', 1)"), Is.Null);
        Assert.That(await Try("UPDATE items SET price = 2"), Is.Null);
        Assert.That(await Try("SELECT max(version) FROM changelog"), Is.Null);
        Assert.That(await Try("DELETE FROM items"), Is.Null);
        Assert.That(await Try("CREATE TABLE t (id int)"), Is.EqualTo("42501"), "no DDL");
        Assert.That(await Try("DROP TABLE items"), Is.EqualTo("42501"));
        Assert.That(await Try("DELETE FROM changelog"), Is.EqualTo("42501"), "the journal is read-only for the service");
        Assert.That(await store.GetAsync(CatalogDatabase.AppPasswordKey), Has.Length.EqualTo(32));
        await using (var admin = new NpgsqlConnection(_cluster.ConnectionString()))
        {
            await admin.OpenAsync();
            await using var stored = new NpgsqlCommand("SELECT rolpassword FROM pg_authid WHERE rolname = 'catalog_app'", admin);
            Assert.That((string)(await stored.ExecuteScalarAsync())!, Does.StartWith("SCRAM-SHA-256$4096:"), "sent as a verifier, logged in with above");
        }

        Assert.That(File.GetUnixFileMode(Path.Combine(store.Root, "db", "catalog-app-password.json")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }
}
