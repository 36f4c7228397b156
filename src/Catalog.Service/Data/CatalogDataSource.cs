using Npgsql;

namespace Catalog.Service.Data;

/// <summary>The service's connection pool to its database.</summary>
internal static class CatalogDataSource
{
    /// <summary>
    /// The service reads and writes only built-in types (bigint, text, numeric, timestamptz), so it
    /// does not load the server's type catalog on its first connection: that query was about half the
    /// database's CPU for each start of the service (16-17 ms against 8-9 without it, measured),
    /// paid on every node of every roll. A column of a type the server defines would fail to read —
    /// the integration tests would show it.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        return builder.Build();
    }
}
