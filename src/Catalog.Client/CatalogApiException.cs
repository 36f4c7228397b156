using System.Net;

namespace Catalog.Client;

/// <summary>The catalog answered with an error status; carries its problem details.</summary>
public class CatalogApiException : Exception
{
    public CatalogApiException(string message, HttpStatusCode statusCode, string? title = null, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's title, e.g. "Item not found"; null when the answer had no problem details (e.g. from a proxy).</summary>
    public string? Title { get; }

    public string? Detail { get; }

    /// <summary>How long the server asked to wait before trying again (Retry-After, e.g. with 429 or 503); null when it did not say.</summary>
    public TimeSpan? RetryAfter { get; internal init; }

    /// <summary>A 404 that came to a retry: an earlier attempt of the same call may have been carried out unanswered.</summary>
    internal bool AfterRetry { get; init; }

    /// <summary>Messages per field (camelCase JSON names, e.g. <c>name</c>); empty unless the request was invalid.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }
}
