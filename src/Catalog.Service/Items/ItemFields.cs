using System.Text.Json.Serialization;

namespace Catalog.Service.Items;

/// <summary>The editable fields of an item after validation (name trimmed; description null where the release does not know it).</summary>
internal sealed record ItemFields(
    string Name,
    decimal Price,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description)
{
    /// <summary>What <paramref name="item"/> would look like after a full replace with these fields.</summary>
    public Item ApplyTo(Item item, DateTimeOffset now) =>
        item with { Name = Name, Price = Price, Description = Description, UpdatedAt = now };
}
