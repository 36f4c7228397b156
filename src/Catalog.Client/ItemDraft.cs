namespace Catalog.Client;

/// <summary>The editable fields of an item, sent by create and (as a full replace) by update.</summary>
/// <param name="Name">Required, at most 200 characters; the server trims it.</param>
/// <param name="Price">0 to 1,000,000 with at most 2 decimal places.</param>
public sealed record ItemDraft(string Name, decimal Price)
{
#if CATALOG_DESCRIPTION
    /// <summary>Optional, at most 2000 characters. Left out of the request when null; an older server ignores it.</summary>
    public string? Description { get; init; }
#endif
}
