using System.Globalization;
using EvolveDb.Migration;
using Npgsql;

namespace Platform.TestSupport;

/// <summary>
/// Brings a test database to a schema version with Evolve, from the migrations a build of the
/// component ships in its <c>db/</c> folder — the same tool and journal MigrateDb uses, without
/// MigrateDb's roles, lock and guard (tests of those use MigrateDb itself).
/// </summary>
public static class CatalogMigrations
{
    /// <param name="dbFolder">A build's <c>db</c> folder (with <c>expand/</c> and <c>contract/</c>).</param>
    /// <param name="upTo">The last migration to apply; null for all of them.</param>
    public static void Apply(string connectionString, string dbFolder, int? upTo = null)
    {
        using var connection = new NpgsqlConnection(connectionString);
        var evolve = new EvolveDb.Evolve(connection, _ => { })
        {
            Locations = [Path.Combine(dbFolder, "expand"), Path.Combine(dbFolder, "contract")],
        };
        if (upTo is { } version)
        {
            evolve.TargetVersion = new MigrationVersion(version.ToString(CultureInfo.InvariantCulture));
        }

        evolve.Migrate();
    }
}
