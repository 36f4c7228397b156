using System.Security.Cryptography;
using Npgsql;
using Platform.Core;
using Platform.Secrets;

namespace Platform.Migrate;

/// <summary>
/// The component's database and its two roles: <c>catalog_owner</c> owns the schema and runs the
/// migrations; <c>catalog_app</c>, which the service connects as, may only read and write rows.
/// Both passwords are generated once into the secrets store and never printed.
/// </summary>
public sealed class CatalogDatabase
{
    public const string Name = "catalog";
    public const string OwnerRole = "catalog_owner";
    public const string AppRole = "catalog_app";
    public const string OwnerPasswordKey = "db/catalog-owner-password";
    public const string AppPasswordKey = "db/catalog-app-password";

    private readonly DatabaseInfo _server;
    private readonly string _adminPassword;
    private readonly string _ownerPassword;
    private readonly string _appPassword;

    private CatalogDatabase(DatabaseInfo server, string adminPassword, string ownerPassword, string appPassword)
    {
        _server = server;
        _adminPassword = adminPassword;
        _ownerPassword = ownerPassword;
        _appPassword = appPassword;
    }

    public DatabaseInfo Server => _server;

    /// <summary>False until the first MigrateDb generated the roles' passwords (check mode never does).</summary>
    public bool IsBootstrapped => _ownerPassword.Length > 0;

    /// <summary>
    /// Reads (or, unless <paramref name="createMissing"/> is false, generates) the passwords.
    /// The admin password comes from the inventory: a file (local) or a secrets store key (cloud).
    /// </summary>
    /// <param name="cancellation">The run's by default; a roll passes its own, which its progress deadline also cancels.</param>
    public static async Task<CatalogDatabase> OpenAsync(RunContext run, Inventory inventory, ISecretStore store, bool createMissing = true, CancellationToken? cancellation = null)
    {
        var token = cancellation ?? run.Cancellation;
        var server = inventory.Database ?? throw new PlatformException($"The {inventory.Environment} inventory has no 'database' section: is this environment provisioned with a db host?");
        var admin = server.AdminPasswordFile is { } file
            ? (File.Exists(file) ? (await File.ReadAllTextAsync(file, token)).Trim() : throw new PlatformException($"The database admin password file {file} is missing. Re-run Apply."))
            : await store.GetAsync(server.AdminPasswordSecret ?? "db/admin-password", token)
              ?? throw new PlatformException($"The secrets store has no '{server.AdminPasswordSecret ?? "db/admin-password"}' (the database admin password). Re-run Apply.");
        run.Redactor.Register(admin);
        var owner = await PasswordAsync(store, OwnerPasswordKey, createMissing, token);
        var app = await PasswordAsync(store, AppPasswordKey, createMissing, token);
        return new CatalogDatabase(server, admin, owner, app);
    }

    /// <summary>Connection string for the migrations (as the owner), with readable errors.</summary>
    public string OwnerConnectionString(string applicationName) => Build(OwnerRole, _ownerPassword, Name, applicationName, errorDetail: true);

    /// <summary>
    /// What the service connects with (written to the node's env file, 0600). The pool is capped:
    /// during a roll two releases run on a node and every instance shares the server's
    /// max_connections; Npgsql's default of 100 per instance would exhaust it under load.
    /// </summary>
    public string AppConnectionString() =>
        new Npgsql.NpgsqlConnectionStringBuilder(Build(AppRole, _appPassword, Name, "catalog-service", errorDetail: false)) { Pooling = true, MaxPoolSize = MaxPoolPerInstance }.ConnectionString;

    /// <summary>Connections one service instance may hold.</summary>
    public const int MaxPoolPerInstance = 16;

    public string AdminConnectionString(string database, string applicationName) => Build(_server.AdminUser, _adminPassword, database, applicationName, errorDetail: true);

    /// <summary>
    /// Creates (or corrects) the roles, the database and the default privileges. Idempotent: run
    /// before every migration.
    /// </summary>
    public async Task EnsureAsync(string applicationName, CancellationToken cancellation)
    {
        await using (var server = await DatabaseConnection.OpenAsync(AdminConnectionString("postgres", applicationName), cancellation))
        {
            await ExecuteAsync(server, cancellation,
                $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OwnerRole}') THEN CREATE ROLE {OwnerRole}; END IF; END $$",
                $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{AppRole}') THEN CREATE ROLE {AppRole}; END IF; END $$",
                $"ALTER ROLE {OwnerRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {Literal(ScramVerifier.For(_ownerPassword))}",
                $"ALTER ROLE {AppRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {Literal(ScramVerifier.For(_appPassword))}");
            await using var exists = new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{Name}'", server);
            if (await exists.ExecuteScalarAsync(cancellation) is null)
            {
                await ExecuteAsync(server, cancellation, $"CREATE DATABASE {Name} OWNER {OwnerRole}");
            }

            await ExecuteAsync(server, cancellation,
                $"REVOKE ALL ON DATABASE {Name} FROM PUBLIC",
                $"GRANT CONNECT ON DATABASE {Name} TO {AppRole}");
        }

        await using var database = await DatabaseConnection.OpenAsync(AdminConnectionString(Name, applicationName), cancellation);
        await ExecuteAsync(database, cancellation,
            $"ALTER SCHEMA public OWNER TO {OwnerRole}",
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            $"GRANT USAGE ON SCHEMA public TO {AppRole}",
            $"ALTER DEFAULT PRIVILEGES FOR ROLE {OwnerRole} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {AppRole}",
            $"ALTER DEFAULT PRIVILEGES FOR ROLE {OwnerRole} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {AppRole}");
    }

    /// <summary>After migrating: the service may read the migration journal, never write it.</summary>
    public async Task RestrictJournalAsync(string journalTable, CancellationToken cancellation)
    {
        await using var connection = await DatabaseConnection.OpenAsync(OwnerConnectionString("platform-migrate"), cancellation);
        await ExecuteAsync(connection, cancellation,
            $"DO $$ BEGIN IF to_regclass('public.{journalTable}') IS NOT NULL THEN " +
            $"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON public.{journalTable} FROM {AppRole}; GRANT SELECT ON public.{journalTable} TO {AppRole}; END IF; END $$");
    }

    private string Build(string user, string password, string database, string applicationName, bool errorDetail) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = _server.Address,
            Port = _server.Port,
            Database = database,
            Username = user,
            Password = password,
            ApplicationName = applicationName,
            IncludeErrorDetail = errorDetail,
            Timeout = 10,
            SslMode = SslModeFor(_server.Address),

            // Platform's own connections are few and short; a pool would outlive a database that
            // Destroy and Apply replaced in the same process (the benchmark does) and hand out dead ones.
            Pooling = false,
        }.ConnectionString;

    /// <summary>
    /// Encrypted, or no connection at all, wherever the passwords would cross a network: Npgsql's
    /// default (<c>Prefer</c>) falls back to clear text when the server, or someone in between, says
    /// it has no TLS. A database on this machine's loopback may go without.
    /// </summary>
    internal static SslMode SslModeFor(string address) =>
        System.Net.IPAddress.TryParse(address, out var ip) && System.Net.IPAddress.IsLoopback(ip) || address == "localhost" ? SslMode.Prefer : SslMode.Require;

    private static async Task<string> PasswordAsync(ISecretStore store, string key, bool create, CancellationToken cancellation)
    {
        var existing = await store.GetAsync(key, cancellation);
        if (existing is not null)
        {
            return existing;
        }

        if (!create)
        {
            return string.Empty;
        }

        var generated = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
        await store.SetAsync(key, generated, cancellation);
        return generated;
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task ExecuteAsync(NpgsqlConnection connection, CancellationToken cancellation, params string[] statements)
    {
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellation);
        }
    }
}
