namespace Catalog.Client;

/// <summary>An item as the catalog stores it.</summary>
/// <remarks>
/// In the answer to a dry-run create the item does not exist yet: <see cref="Id"/> is 0 and the
/// timestamps are default.
/// </remarks>
public sealed record Item
{
    /// <summary>The catalog's id of the item, given when it is created; 0 in a dry-run create's answer.</summary>
    public long Id { get; init; }

    /// <summary>The item's name: 1 to 200 characters.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The price: 0 to 1,000,000 with at most 2 decimal places (stored as <c>numeric(12,2)</c>).</summary>
    public decimal Price { get; init; }

#if CATALOG_DESCRIPTION
    /// <summary>Optional. Always null from a server older than release N+1 (schema &lt; 3), which does not store it.</summary>
    public string? Description { get; init; }
#endif

    /// <summary>When the item was created, as the catalog's database clock says (an absolute time, with its offset).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the item was last changed; equal to <see cref="CreatedAt"/> until its first update.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
