namespace Catalog.Client;

/// <summary>
/// The catalog's API. Errors are typed: <see cref="CatalogValidationException"/> (400, with errors per
/// field), <see cref="CatalogNotFoundException"/> (404), <see cref="CatalogApiException"/> (any other error
/// status), <see cref="CatalogTimeoutException"/> (no answer in time); the caller's own cancellation (or the client
/// disposed during a call) is an
/// <see cref="OperationCanceledException"/>; a catalog that cannot be reached is an HttpRequestException.
/// </summary>
public interface ICatalogClient
{
    /// <summary>A page of items in id order, optionally only those whose name contains <paramref name="search"/> (case-insensitive).</summary>
    /// <param name="limit">1 to 1000; the server's default is 100.</param>
    /// <param name="offset">0 or more.</param>
    /// <param name="search">Part of the name to look for; null or empty lists every item.</param>
    /// <param name="cancellationToken">Cancels the call, retries included.</param>
    /// <exception cref="CatalogValidationException">A <paramref name="limit"/> or <paramref name="offset"/> out of range.</exception>
    Task<IReadOnlyList<Item>> ListAsync(int? limit = null, int? offset = null, string? search = null, CancellationToken cancellationToken = default);

    /// <exception cref="CatalogNotFoundException">There is no item with that id.</exception>
    Task<Item> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <returns>The item, or null when there is none with that id.</returns>
    Task<Item?> FindAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Creates an item (never retried). In dry-run mode the result's item has id 0: nothing was stored.</summary>
    Task<ItemChange> CreateAsync(ItemDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Replaces every editable field of an item.</summary>
    /// <exception cref="CatalogNotFoundException">There is no item with that id.</exception>
    Task<ItemChange> UpdateAsync(long id, ItemDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Deletes an item. A retry that finds the item gone (an earlier attempt deleted it, its answer lost) counts as done.</summary>
    /// <exception cref="CatalogNotFoundException">There is no item with that id.</exception>
    Task<ItemChange> DeleteAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The serving release and its schema; <see cref="CatalogVersion.Schema"/> &gt;= 3 means descriptions are stored.</summary>
    Task<CatalogVersion> VersionAsync(CancellationToken cancellationToken = default);
}
