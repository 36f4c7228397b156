using System.Globalization;
using EvolveDb.Migration;
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
        await using (var connection = new NpgsqlConnection(owner))
        {
            var db = Path.Combine(AppContext.BaseDirectory, "db");
            var evolve = new EvolveDb.Evolve(connection, _ => { }) { Locations = [Path.Combine(db, "expand"), Path.Combine(db, "contract")] };
            if (migrateTo is { } version)
            {
                evolve.TargetVersion = new MigrationVersion(version.ToString(CultureInfo.InvariantCulture));
            }

            evolve.Migrate();
        }

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
