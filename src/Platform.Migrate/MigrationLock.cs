using Npgsql;
using Platform.Core;

namespace Platform.Migrate;

/// <summary>
/// Keeps two MigrateDb runs on one database from interleaving: a PostgreSQL advisory lock held on
/// a dedicated connection. A second run waits up to a timeout, then fails naming the holder (its
/// application name, which carries operator and machine, and since when). A run that dies
/// releases the lock with its connection.
/// </summary>
public sealed class MigrationLock : IAsyncDisposable
{
    // "PltfMigr": an application-wide advisory lock key.
    private const long Key = 0x506c74664d696772;

    private readonly NpgsqlConnection _connection;

    private MigrationLock(NpgsqlConnection connection) => _connection = connection;

    public static async Task<MigrationLock> AcquireAsync(string connectionString, TimeSpan timeout, IReporter reporter, CancellationToken cancellation)
    {
        var connection = await DatabaseConnection.OpenAsync(connectionString, cancellation);
        var started = DateTime.UtcNow;
        var announced = false;
        while (true)
        {
            await using (var attempt = new NpgsqlCommand($"SELECT pg_try_advisory_lock({Key})", connection))
            {
                if ((bool)(await attempt.ExecuteScalarAsync(cancellation))!)
                {
                    return new MigrationLock(connection);
                }
            }

            var holder = await HolderAsync(connection, cancellation);
            if (DateTime.UtcNow - started >= timeout)
            {
                await connection.DisposeAsync();
                throw new PlatformException(
                    $"Another MigrateDb holds the migration lock on this database: {holder}. Waited {timeout.TotalSeconds:0} s (--lock-timeout). " +
                    "If that run died, PostgreSQL released its lock with its connection; otherwise wait for it to finish.");
            }

            if (!announced)
            {
                reporter.Info($"Waiting for the migration lock held by {holder} (up to {timeout.TotalSeconds:0} s)");
                announced = true;
            }

            await Task.Delay(250, cancellation);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({Key})", _connection);
            await release.ExecuteScalarAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is gone (the database stopped): the lock went with it. Saying so here would hide
            // the failure the run is reporting.
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }

    private static async Task<string> HolderAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        const string sql = """
            SELECT a.application_name, a.usename, a.client_addr::text, a.backend_start, a.pid
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = @high AND l.objid::bigint = @low
            LIMIT 1
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("high", (long)(uint)(Key >> 32));
        command.Parameters.AddWithValue("low", (long)(uint)(Key & 0xffffffff));
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        if (!await reader.ReadAsync(cancellation))
        {
            return "a session that has just finished";
        }

        var app = reader.IsDBNull(0) || reader.GetString(0).Length == 0 ? "an unnamed session" : $"'{reader.GetString(0)}'";
        var since = reader.GetFieldValue<DateTimeOffset>(3).ToUniversalTime();
        return $"{app} (user {reader.GetString(1)}, from {(reader.IsDBNull(2) ? "local" : reader.GetString(2))}, pid {reader.GetInt32(4)}, connected since {since:yyyy-MM-dd HH:mm:ss} UTC)";
    }
}
