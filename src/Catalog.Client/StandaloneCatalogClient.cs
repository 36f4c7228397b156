namespace Catalog.Client;

/// <summary>
/// A <see cref="CatalogClient"/> made by <see cref="CatalogClient.Create(CatalogClientOptions)"/>: it owns its
/// HttpClient, handlers and connection pool, so disposing it closes the connections. Keep one for the life of the
/// application and dispose it at the end; calls after that throw <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class StandaloneCatalogClient : CatalogClient, IDisposable
{
    private readonly HttpClient _http;

    internal StandaloneCatalogClient(HttpClient http, CatalogClientOptions options)
        : base(http, options) => _http = http;

    /// <summary>Closes the client's connections; calls after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _http.Dispose();
}
