using System.Net;
using System.Text.Json;

namespace Catalog.Client;

/// <summary>Turns an error answer into the typed exception for its status, keeping the server's problem details.</summary>
internal static class CatalogErrors
{
    /// <summary>
    /// The title of the catalog's "no such item" problem (src/Catalog.Service, ItemProblems), unchanged since the
    /// first release. Problem details alone do not prove the catalog answered: a gateway (or the catalog itself, for
    /// an unknown route under a wrong path prefix) answers 404 problem details or other JSON too.
    /// </summary>
    internal const string ItemNotFoundTitle = "Item not found";

    private const string NotTheCatalogsNotFound =
        " This is not the catalog's answer for a missing item: check BaseAddress (its host and path prefix) against where the catalog is served.";

    public static async Task<CatalogApiException> FromResponseAsync(HttpResponseMessage response, HttpRequestMessage request, string call, CancellationToken cancellationToken)
    {
        var body = await BodyTextAsync(response, cancellationToken);
        var problem = ReadProblem(response, body);
        var message = Describe(call, response, problem);
        // The server's own words, when they are not problem details (a proxy's page, a stack trace in plain text), are
        // kept for the caller to look at, not put in the message, which goes to logs.
        var kept = body.Length <= MaxKeptBody ? body : body[..MaxKeptBody];
        // Only the catalog's own "no such item" means that: any other 404 (a proxy's page, a gateway's JSON, an
        // unknown route) means the base address is wrong, which FindAsync must not pass off as "no item" (null).
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest => new CatalogValidationException(message, problem?.Title, problem?.Detail, problem?.Errors) { ResponseBody = kept },
            HttpStatusCode.NotFound when problem is { Title: ItemNotFoundTitle } => new CatalogNotFoundException(message, problem.Title, problem.Detail) { AfterRetry = CatalogResilience.WasRetried(request), ResponseBody = kept },
            HttpStatusCode.NotFound => new CatalogApiException(message + NotTheCatalogsNotFound, response.StatusCode, problem?.Title, problem?.Detail, problem?.Errors) { ResponseBody = kept },
            _ => new CatalogApiException(message, response.StatusCode, problem?.Title, problem?.Detail, problem?.Errors) { RetryAfter = RetryAfter.Of(response), ResponseBody = kept },
        };
    }

    // As its charset says, else UTF-8: an error answer naming a charset .NET does not know ("utf8", a proxy's typo) must
    // still become the typed exception, not an InvalidOperationException from decoding it.
    private static async Task<string> BodyTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        System.Text.Encoding encoding;
        try
        {
            encoding = response.Content.Headers.ContentType?.CharSet is { Length: > 0 } charset ? System.Text.Encoding.GetEncoding(charset.Trim('"')) : System.Text.Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            encoding = System.Text.Encoding.UTF8;
        }

        return encoding.GetString(bytes);
    }

    /// <summary>The most of an error answer's body kept in <see cref="CatalogApiException.ResponseBody"/> (characters).</summary>
    internal const int MaxKeptBody = 2048;

    /// <summary>The problem details, or null when the body is none (e.g. an error page from a proxy in front).</summary>
    private static ProblemBody? ReadProblem(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) != true || body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, CatalogJsonContext.Default.ProblemBody);
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
