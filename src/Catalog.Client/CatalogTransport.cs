using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly.Timeout;

namespace Catalog.Client;

/// <summary>
/// Sends one call to the catalog and reads its answer: adds the client header, turns error statuses into
/// typed exceptions and timeouts into <see cref="CatalogTimeoutException"/>. Retries and the per-attempt
/// timeout are below, in the HttpClient's resilience handler.
/// </summary>
internal sealed class CatalogTransport(HttpClient http, Uri root)
{
    /// <returns>The successful answer (the caller disposes it).</returns>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relativeUri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(root, relativeUri)) { Content = content };
        request.Headers.TryAddWithoutValidation(CatalogClientIdentity.HeaderName, CatalogClientIdentity.Value);
        var call = Describe(request);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is TimeoutRejectedException || e is TaskCanceledException { InnerException: TimeoutException }))
        {
            // The per-attempt timeout (after the retries), or HttpClient's own (a caller's handler setting one). Any other
            // cancellation is not a timeout: the caller's own stays an OperationCanceledException, and so does a call cut
            // off by disposing the client (an application shutting down).
            var timeout = e is TimeoutRejectedException rejected ? rejected.Timeout : http.Timeout;
            throw new CatalogTimeoutException($"{call} got no answer within {timeout.TotalSeconds:0.###} s.", timeout, e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await CatalogErrors.FromResponseAsync(response, request, call, cancellationToken);
        }
    }

    /// <summary>Reads a successful answer's JSON body.</summary>
    /// <exception cref="CatalogApiException">The body is not what the catalog answers (e.g. a proxy's page).</exception>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            if (await JsonSerializer.DeserializeAsync(body, type, cancellationToken) is { } value)
            {
                return value;
            }
        }
        catch (JsonException e)
        {
            throw Unexpected(response, $"a body that is not a valid {typeof(T).Name} ({e.Message})");
        }

        throw Unexpected(response, "an empty (null) body");
    }

    public static CatalogApiException Unexpected(HttpResponseMessage response, string what) =>
        new($"{Describe(response.RequestMessage)} answered {(int)response.StatusCode} with {what}.", response.StatusCode);

    private static string Describe(HttpRequestMessage? request) => $"{request?.Method} {request?.RequestUri}";
}
