namespace Catalog.Client;

/// <summary>An item as the catalog stores it.</summary>
/// <remarks>
/// In the answer to a dry-run create the item does not exist yet: <see cref="Id"/> is 0 and the
/// timestamps are default.
/// </remarks>
public sealed record Item
{
    public long Id { get; init; }

    public string Name { get; init; } = string.Empty;

    public decimal Price { get; init; }

#if CATALOG_DESCRIPTION
    /// <summary>Optional. Always null from a server older than release N+1 (schema &lt; 3), which does not store it.</summary>
    public string? Description { get; init; }
#endif

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
