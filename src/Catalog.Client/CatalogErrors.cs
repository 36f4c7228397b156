using System.Net;
using System.Text.Json;

namespace Catalog.Client;

/// <summary>Turns an error answer into the typed exception for its status, keeping the server's problem details.</summary>
internal static class CatalogErrors
{
    public static async Task<CatalogApiException> FromResponseAsync(HttpResponseMessage response, HttpRequestMessage request, string call, CancellationToken cancellationToken)
    {
        var problem = await ReadProblemAsync(response, cancellationToken);
        var message = Describe(call, response, problem);
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest => new CatalogValidationException(message, problem?.Title, problem?.Detail, problem?.Errors),
            // Only the catalog's own 404 (always problem details) means "no such item": a proxy's 404 page means the
            // base address is wrong, which FindAsync must not pass off as "no item" (null).
            HttpStatusCode.NotFound when problem is not null => new CatalogNotFoundException(message, problem.Title, problem.Detail) { AfterRetry = CatalogResilience.WasRetried(request) },
            _ => new CatalogApiException(message, response.StatusCode, problem?.Title, problem?.Detail, problem?.Errors) { RetryAfter = RetryAfter.Of(response) },
        };
    }

    /// <summary>The problem details, or null when the body is none (e.g. an error page from a proxy in front).</summary>
    private static async Task<ProblemBody?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(body, CatalogJsonContext.Default.ProblemBody, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // e.g. "POST http://host/items answered 400 (One or more validation errors occurred.): name: The name is required."
    private static string Describe(string call, HttpResponseMessage response, ProblemBody? problem)
    {
        var summary = $"{call} answered {(int)response.StatusCode} ({problem?.Title ?? response.ReasonPhrase ?? response.StatusCode.ToString()})";
        var details = new List<string>();
        if (!string.IsNullOrEmpty(problem?.Detail))
        {
            details.Add(problem.Detail);
        }

        details.AddRange((problem?.Errors ?? []).Select(field => $"{field.Key}: {string.Join(" ", field.Value)}"));
        return details.Count == 0 ? summary + "." : $"{summary}: {string.Join("; ", details)}";
    }
}
