using System.Net;

namespace Catalog.Client;

/// <summary>The catalog refused the request as invalid (400); <see cref="CatalogApiException.Errors"/> says why per field.</summary>
public sealed class CatalogValidationException(string message, string? title = null, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null)
    : CatalogApiException(message, HttpStatusCode.BadRequest, title, detail, errors);
