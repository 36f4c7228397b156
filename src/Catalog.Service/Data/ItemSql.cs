using Catalog.Service.Items;
using Catalog.Service.Release;
using Npgsql;

namespace Catalog.Service.Data;

/// <summary>
/// The SQL for items at this release's schema level, and the mapping of its rows. Release N never names
/// description (its database may not have it yet); release N+1 never names search_name (V4 drops it).
/// Only DML: the service's role has no DDL rights.
/// </summary>
internal sealed class ItemSql
{
    private readonly ItemSchemaFeatures _features;

    public ItemSql(ItemSchemaFeatures features)
    {
        _features = features;
        var columns = "id, name, price, created_at, updated_at" + (features.HasDescription ? ", description" : string.Empty);

        // Release N searches search_name; rows inserted by N+1 during a rolling deploy have none, hence lower(name).
        var searchColumn = features.MaintainsSearchName ? "coalesce(search_name, lower(name))" : "lower(name)";

        Select = $"select {columns} from items where id = @id";
        List = $"select {columns} from items order by id limit @limit offset @offset";
        Search = $@"select {columns} from items where {searchColumn} like lower(@pattern) escape '\' order by id limit @limit offset @offset";
        Insert = features.HasDescription
            ? $"insert into items (name, price, description) values (@name, @price, @description) returning {columns}"
            : $"insert into items (name, price, search_name) values (@name, @price, lower(@name)) returning {columns}";
        Update = features.HasDescription
            ? $"update items set name = @name, price = @price, description = @description, updated_at = now() where id = @id returning {columns}"
            : $"update items set name = @name, price = @price, search_name = lower(@name), updated_at = now() where id = @id returning {columns}";
        Delete = "delete from items where id = @id";
    }

    public string Select { get; }

    public string List { get; }

    public string Search { get; }

    public string Insert { get; }

    public string Update { get; }

    public string Delete { get; }

    /// <summary>Adds the parameters of <see cref="Insert"/> and <see cref="Update"/>.</summary>
    public void AddFields(NpgsqlCommand command, ItemFields fields)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("name", fields.Name));
        command.Parameters.Add(new NpgsqlParameter<decimal>("price", fields.Price));
        if (_features.HasDescription)
        {
            command.Parameters.Add(new NpgsqlParameter("description", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)fields.Description ?? DBNull.Value });
        }
    }

    public Item Read(NpgsqlDataReader row) => new(
        Id: row.GetInt64(0),
        Name: row.GetString(1),
        Price: row.GetDecimal(2),
        Description: _features.HasDescription && !row.IsDBNull(5) ? row.GetString(5) : null,
        CreatedAt: row.GetFieldValue<DateTimeOffset>(3),
        UpdatedAt: row.GetFieldValue<DateTimeOffset>(4));
}
