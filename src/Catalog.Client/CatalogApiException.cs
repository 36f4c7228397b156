using System.Net;

namespace Catalog.Client;

/// <summary>The catalog answered with an error status; carries its problem details.</summary>
public class CatalogApiException : Exception
{
    /// <summary>An error answer of the catalog (or of something in front of it), with what its problem details said.</summary>
    /// <param name="message">What failed: the call, the status and the problem's title and detail.</param>
    /// <param name="statusCode">The HTTP status of the answer.</param>
    /// <param name="title">The problem's title; null without problem details.</param>
    /// <param name="detail">The problem's detail; null without problem details.</param>
    /// <param name="errors">Messages per field of an invalid request; empty otherwise.</param>
    public CatalogApiException(string message, HttpStatusCode statusCode, string? title = null, string? detail = null, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    /// <summary>The HTTP status of the error answer (e.g. 503 while the catalog cannot reach its database).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's title, e.g. "Item not found"; null when the answer had no problem details (e.g. from a proxy).</summary>
    public string? Title { get; }

    /// <summary>The problem's detail, e.g. "There is no item with id 42."; null when the answer had no problem details.</summary>
    public string? Detail { get; }

    /// <summary>How long the server asked to wait before trying again (Retry-After, e.g. with 429 or 503); null when it did not say.</summary>
    public TimeSpan? RetryAfter { get; internal init; }

    /// <summary>
    /// The answer's body as the server sent it (its first 2048 characters; empty when it had none), e.g. a proxy's
    /// error page or a plain-text error that carries no problem details. Not part of <see cref="Exception.Message"/>:
    /// it is the server's text, so log it with the care any server output needs.
    /// </summary>
    public string ResponseBody { get; internal init; } = string.Empty;

    /// <summary>A 404 that came to a retry: an earlier attempt of the same call may have been carried out unanswered.</summary>
    internal bool AfterRetry { get; init; }

    /// <summary>Messages per field (camelCase JSON names, e.g. <c>name</c>); empty unless the request was invalid.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }
}
