using System.Text.Json.Serialization;

namespace Catalog.Service.Items;

/// <summary>A stored item as clients see it. Release N never has a description, so it is left out of its JSON.</summary>
internal sealed record Item(
    long Id,
    string Name,
    decimal Price,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
