using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Http.Resilience;

namespace Catalog.Client;

/// <summary>
/// The typed client of the catalog service. With dependency injection register it with
/// <see cref="CatalogClientServiceCollectionExtensions.AddCatalogClient"/> and take an
/// <see cref="ICatalogClient"/>; without, use <see cref="Create(CatalogClientOptions)"/>.
/// Thread-safe; meant to be long-lived, like the HttpClient under it.
/// </summary>
/// <remarks>
/// Not disposable itself: with dependency injection the HttpClient belongs to IHttpClientFactory, and a disposable
/// transient would be kept by the container until it is disposed. <see cref="Create(CatalogClientOptions)"/> gives
/// a <see cref="StandaloneCatalogClient"/>, which owns its connections and is disposable.
/// </remarks>
public class CatalogClient : ICatalogClient
{
    private readonly CatalogTransport _transport;
    private readonly bool _dryRun;

    /// <param name="http">An HttpClient whose handlers already carry the resilience pipeline (see <see cref="CatalogResilience"/>).</param>
    /// <param name="options">The options, checked here.</param>
    internal CatalogClient(HttpClient http, CatalogClientOptions options)
    {
        options.Validate();
        _transport = new CatalogTransport(http, options.Root);
        _dryRun = options.DryRun;
    }

    /// <summary>A client without dependency injection, with its own connection pool. Create one, keep it, dispose it at the end.</summary>
    /// <exception cref="ArgumentException">An option is missing or invalid.</exception>
    public static StandaloneCatalogClient Create(CatalogClientOptions options) =>
        Create(options, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });

    /// <summary>
    /// A client that sends through <paramref name="primaryHandler"/> (e.g. a test server's handler), with the
    /// same retries and timeouts as always in front of it. The client owns the handler from then on.
    /// </summary>
    /// <exception cref="ArgumentException">An option is missing or invalid.</exception>
    public static StandaloneCatalogClient Create(CatalogClientOptions options, HttpMessageHandler primaryHandler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(primaryHandler);
        var attempt = new CatalogAttemptHandler { InnerHandler = primaryHandler };
        var resilience = new ResilienceHandler(CatalogResilience.Build(options)) { InnerHandler = attempt };

        // The pipeline times out each attempt; HttpClient's own overall timeout would only cut retries short.
        return new StandaloneCatalogClient(new HttpClient(resilience) { Timeout = System.Threading.Timeout.InfiniteTimeSpan }, options);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Item>> ListAsync(int? limit = null, int? offset = null, string? search = null, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendAsync(HttpMethod.Get, ItemRoutes.List(limit, offset, search), null, cancellationToken);
        return await CatalogTransport.ReadAsync(response, CatalogJsonContext.Default.ListItem, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<Item> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendAsync(HttpMethod.Get, ItemRoutes.Item(id), null, cancellationToken);
        return await CatalogTransport.ReadAsync(response, CatalogJsonContext.Default.Item, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<Item?> FindAsync(long id, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(id, cancellationToken);
        }
        catch (CatalogNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public Task<ItemChange> CreateAsync(ItemDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return ChangeAsync(HttpMethod.Post, ItemRoutes.Items, draft, ItemChange.CreateAction, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<ItemChange> UpdateAsync(long id, ItemDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return ChangeAsync(HttpMethod.Put, ItemRoutes.Item(id), draft, ItemChange.UpdateAction, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ItemChange> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ChangeAsync(HttpMethod.Delete, ItemRoutes.Item(id), null, ItemChange.DeleteAction, cancellationToken);
        }
        catch (CatalogNotFoundException e) when (e.AfterRetry && !_dryRun)
        {
            // The retry of an attempt that timed out or failed finds the item gone: most likely that attempt deleted
            // it and its answer was lost. Either way the item is gone, as asked; a 404 would report a failure.
            return new ItemChange { DryRun = false, Action = ItemChange.DeleteAction };
        }
    }

    /// <inheritdoc/>
    public async Task<CatalogVersion> VersionAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendAsync(HttpMethod.Get, ItemRoutes.Version, null, cancellationToken);
        return await CatalogTransport.ReadAsync(response, CatalogJsonContext.Default.CatalogVersion, cancellationToken);
    }

    private async Task<ItemChange> ChangeAsync(HttpMethod method, string path, ItemDraft? draft, string action, CancellationToken cancellationToken)
    {
        var content = draft is null ? null : JsonContent.Create(draft, CatalogJsonContext.Default.ItemDraft);
        using var response = await _transport.SendAsync(method, _dryRun ? ItemRoutes.DryRun(path) : path, content, cancellationToken);
        if (_dryRun)
        {
            return await ReadDryRunAsync(response, cancellationToken);
        }

        // A real change answers the stored item (201 or 200), or nothing for a delete (204).
        var item = response.StatusCode == HttpStatusCode.NoContent ? null : await CatalogTransport.ReadAsync(response, CatalogJsonContext.Default.Item, cancellationToken);
        return new ItemChange { DryRun = false, Action = action, Item = item };
    }

    /// <summary>
    /// The server's account of what would happen. A server that ignored dryRun=true has really made the change:
    /// that must never pass silently as a dry run.
    /// </summary>
    private static async Task<ItemChange> ReadDryRunAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.OK && await CatalogTransport.ReadAsync(response, CatalogJsonContext.Default.ItemChange, cancellationToken) is { DryRun: true } change)
        {
            return change;
        }

        throw CatalogTransport.Unexpected(response, "a real change although dryRun=true was asked: this server does not support dry runs and the change WAS made");
    }
}
