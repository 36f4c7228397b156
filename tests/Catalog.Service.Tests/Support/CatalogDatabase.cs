using System.Security.Cryptography;
using Npgsql;
using Platform.TestSupport;

namespace Catalog.Service.Tests.Support;

/// <summary>
/// A fresh database on a test cluster, migrated with Evolve (as the MigrateDb step does) up to a given
/// version, plus a least-privilege login like the service's in production: DML on items and its
/// sequence, SELECT on the migration journal, no DDL.
/// </summary>
internal sealed class CatalogDatabase
{
    private CatalogDatabase(string ownerConnectionString, string appConnectionString, string appPassword)
    {
        OwnerConnectionString = ownerConnectionString;
        AppConnectionString = appConnectionString;
        AppPassword = appPassword;
    }

    /// <summary>The superuser's connection, for the test's own checks.</summary>
    public string OwnerConnectionString { get; }

    /// <summary>The service's connection (least privilege).</summary>
    public string AppConnectionString { get; }

    public string AppPassword { get; }

    /// <param name="migrateTo">The last migration to apply; 0 for none, null for all.</param>
    public static async Task<CatalogDatabase> CreateAsync(PostgresCluster cluster, int? migrateTo = null)
    {
        var name = await cluster.CreateDatabaseAsync();
        var owner = cluster.ConnectionString(name);
        if (migrateTo != 0)
        {
            Migrate(owner, migrateTo);
        }

        var role = "app_" + name;
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"create role \"{role}\" login password '{password}'");
            if (await ExistsAsync(connection, "items"))
            {
                await ExecuteAsync(connection, $"grant select, insert, update, delete on items to \"{role}\"");
                await ExecuteAsync(connection, $"grant usage, select on sequence items_id_seq to \"{role}\"");
            }

            if (await ExistsAsync(connection, "changelog"))
            {
                await ExecuteAsync(connection, $"grant select on changelog to \"{role}\"");
            }
        }

        // The service pools connections in production; the cluster's test connection strings do not.
        var app = new NpgsqlConnectionStringBuilder(cluster.ConnectionString(name, role, password)) { Pooling = true, Timeout = 15 };
        return new CatalogDatabase(owner, app.ConnectionString, password);
    }

    public async Task<long> CountItemsAsync()
    {
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from items", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Applies further migrations, as the MigrateDb step of a rollout does.</summary>
    public void MigrateTo(int? version) => Migrate(OwnerConnectionString, version);

    private static void Migrate(string connectionString, int? target) =>
        CatalogMigrations.Apply(connectionString, Path.Combine(ServiceBuild.OutputDirectory, "db"), target);

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string table)
    {
        await using var command = new NpgsqlCommand("select to_regclass(@table) is not null", connection);
        command.Parameters.AddWithValue("table", table);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
