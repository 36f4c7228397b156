using Npgsql;

namespace Catalog.Service.Data;

/// <summary>
/// Reads the database's schema version from Evolve's journal (public.changelog). The service never
/// writes the journal and needs only SELECT on it: migrations are applied by the MigrateDb step.
/// </summary>
internal sealed class SchemaVersionReader(NpgsqlDataSource database)
{
    /// <summary>Only successful versioned migrations (type 0) count; repeatable ones and schema markers do not.</summary>
    public const string Sql = "select coalesce(max(version::int), 0) from changelog where type = 0 and success";

    /// <summary>Answer within this time or be reported as unreachable: HAProxy checks readiness every second.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <returns>The highest applied migration, or 0 when the database was never migrated.</returns>
    /// <exception cref="DatabaseUnavailableException">The database did not answer in time or refused the query.</exception>
    public async Task<int> ReadAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var command = database.CreateCommand(Sql);
            return Convert.ToInt32(await command.ExecuteScalarAsync(timeout.Token), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatabaseUnavailableException($"database did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw DatabaseUnavailableException.From(e);
        }
    }
}
