using Npgsql;

namespace Catalog.Service.Data;

/// <summary>
/// The database cannot tell the schema version. The message is shown in /health/ready, so it is built
/// from Npgsql's own message text, which names hosts and users but never the password.
/// </summary>
internal sealed class DatabaseUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner)
{
    public static DatabaseUnavailableException From(NpgsqlException e) => e is PostgresException postgres
        ? new($"database error {postgres.SqlState}: {postgres.MessageText}", e)
        : new($"database unreachable: {e.Message}", e);
}
