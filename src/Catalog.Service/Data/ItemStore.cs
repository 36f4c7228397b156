using Catalog.Service.Items;
using Npgsql;

namespace Catalog.Service.Data;

/// <summary>
/// Reads and writes items in PostgreSQL with the SQL of this release's schema level. A connection that cannot be had
/// is a <see cref="DatabaseUnavailableException"/>: nothing was sent, so the request can be answered 503 and retried.
/// </summary>
internal sealed class ItemStore(NpgsqlDataSource database, ItemSql sql)
{
    public async Task<IReadOnlyList<Item>> ListAsync(ItemPage page, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(page.Search is null ? sql.List : sql.Search, connection);
        command.Parameters.Add(new NpgsqlParameter<int>("limit", page.Limit));
        command.Parameters.Add(new NpgsqlParameter<int>("offset", page.Offset));
        if (page.Search is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("pattern", LikePattern.Containing(page.Search)));
        }

        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<Item?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql.Select, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<Item> InsertAsync(ItemFields fields, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql.Insert, connection);
        sql.AddFields(command, fields);
        return (await ReadAllAsync(command, cancellationToken)).Single();
    }

    /// <returns>The updated item, or null when there is no item with that id.</returns>
    public async Task<Item?> UpdateAsync(long id, ItemFields fields, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql.Update, connection);
        sql.AddFields(command, fields);
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <returns>False when there is no item with that id.</returns>
    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql.Delete, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await database.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw DatabaseUnavailableException.From(e);
        }
    }

    private async Task<List<Item>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<Item>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(sql.Read(reader));
        }

        return items;
    }
}
