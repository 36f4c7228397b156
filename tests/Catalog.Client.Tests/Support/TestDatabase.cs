using Npgsql;
using Platform.TestSupport;

namespace Catalog.Client.Tests.Support;

/// <summary>
/// A fresh catalog database on a test cluster, migrated with Evolve (as the MigrateDb step does) from the
/// migrations the service ships, which its project reference copies next to these tests.
/// </summary>
internal sealed class TestDatabase
{
    private TestDatabase(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    /// <param name="migrateTo">The last migration to apply: 2 for a release N database, null for all (release N+1).</param>
    public static async Task<TestDatabase> CreateAsync(PostgresCluster cluster, int? migrateTo = null)
    {
        var owner = cluster.ConnectionString(await cluster.CreateDatabaseAsync());
        CatalogMigrations.Apply(owner, Path.Combine(AppContext.BaseDirectory, "db"), migrateTo);

        // The service pools connections as in production; the cluster's own strings do not.
        return new TestDatabase(new NpgsqlConnectionStringBuilder(owner) { Pooling = true, Timeout = 15 }.ConnectionString);
    }

    public async Task<long> CountItemsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select count(*) from items", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Empties the table between tests, so counts and listings start from nothing.</summary>
    public async Task DeleteAllItemsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("delete from items", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
