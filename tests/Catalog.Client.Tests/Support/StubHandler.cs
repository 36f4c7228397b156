using System.Net;
using System.Text;

namespace Catalog.Client.Tests.Support;

/// <summary>
/// A catalog stand-in below the client's resilience handler: answers each attempt with a scripted function
/// and keeps every request it saw (method, URI, headers, body), so tests can count attempts.
/// </summary>
internal sealed class StubHandler(Func<int, HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    private readonly List<SeenRequest> _requests = [];

    public IReadOnlyList<SeenRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public int Attempts => Requests.Count;

    /// <summary>True once the HttpClient that owns this handler was disposed.</summary>
    public bool Disposed { get; private set; }

    /// <summary>Fails the first <paramref name="failures"/> attempts with <paramref name="status"/>, then answers <paramref name="json"/>.</summary>
    public static StubHandler FailingFirst(int failures, HttpStatusCode status, string json, HttpStatusCode success = HttpStatusCode.OK) =>
        new((attempt, _, _) => Task.FromResult(attempt <= failures ? new HttpResponseMessage(status) : Json(success, json)));

    /// <summary>Always answers <paramref name="json"/> with <paramref name="status"/>.</summary>
    public static StubHandler Answering(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new((_, _, _) => Task.FromResult(Json(status, json, mediaType)));

    /// <summary>Never answers: waits until the attempt is cancelled (by a timeout or the caller).</summary>
    public static StubHandler Hanging() =>
        new(async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });

    /// <summary>Answers 200 at once, but its body never comes (a server or proxy that stalls mid-answer).</summary>
    public static StubHandler StallingBody() =>
        new((_, _, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StallingContent() }));

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    public StandaloneCatalogClient CreateClient(Action<CatalogClientOptions>? configure = null)
    {
        var options = new CatalogClientOptions { BaseAddress = new Uri("http://catalog.test/") };
        configure?.Invoke(options);
        return CatalogClient.Create(options, this);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        int attempt;
        lock (_requests)
        {
            _requests.Add(new SeenRequest(request.Method, request.RequestUri!, request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value)), body));
            attempt = _requests.Count;
        }

        var response = await answer(attempt, request, cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    internal sealed record SeenRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body);
}
