using System.Net.Sockets;
using Npgsql;
using Platform.Core;

namespace Platform.Migrate;

/// <summary>
/// Opens Platform's own connections to the environment's database. A server that does not answer is said
/// as such, naming where it was looked for and what brings it back, instead of Npgsql's bare
/// "Failed to connect to 127.0.10.5:5432" at the end of a RollNode or a MigrateDb.
/// </summary>
public static class DatabaseConnection
{
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellation)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellation);
            return connection;
        }
        catch (NpgsqlException ex) when (ex.InnerException is SocketException or TimeoutException)
        {
            await connection.DisposeAsync();
            var server = new NpgsqlConnectionStringBuilder(connectionString);
            var where = $"{server.Host}:{server.Port}";
            throw new PlatformException(
                $"The database at {where} does not answer ({ex.Message}). Is PostgreSQL running on the db host? In the local environment, Apply (and so Deploy) starts it again after a reboot or a crash; elsewhere, bring the db host back first. Nothing was changed by this step.",
                ex);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification or PostgresErrorCodes.InvalidCatalogName)
        {
            // The server answered but refused: which role, where, and which of Platform's passwords or steps to look at.
            await connection.DisposeAsync();
            var server = new NpgsqlConnectionStringBuilder(connectionString);
            var what = ex.SqlState switch
            {
                PostgresErrorCodes.InvalidCatalogName => $"has no database '{server.Database}' ({ex.MessageText}). MigrateDb (and so Deploy) creates the catalog's database; run it first",
                // PostgreSQL answers a role that does not exist as it answers a wrong password (it does not tell which roles exist).
                PostgresErrorCodes.InvalidPassword => $"refused the login of '{server.Username}' ({ex.MessageText}). Either the role does not exist yet (a database Apply has just made has no catalog roles until MigrateDb, ExpandDb or Deploy creates them), or the password Platform has for it differs from the server's: the admin password is Apply's (re-run Apply), the catalog roles' are set again by MigrateDb (run it)",
                _ => $"refused the login of '{server.Username}' ({ex.MessageText}): the role is missing (MigrateDb creates the catalog's roles; Apply the admin), or the server's pg_hba.conf does not let it in from this host",
            };
            throw new PlatformException($"The database at {server.Host}:{server.Port} {what}. Nothing was changed by this step.", ex);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
