using System.Net;

namespace Catalog.Client;

/// <summary>There is no such item (404).</summary>
public sealed class CatalogNotFoundException(string message, string? title = null, string? detail = null)
    : CatalogApiException(message, HttpStatusCode.NotFound, title, detail);
