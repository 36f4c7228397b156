using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Catalog.Client;

/// <summary>
/// The resilience pipeline under the client, the same with and without dependency injection: a per-attempt
/// timeout inside a retry that only repeats idempotent calls on transient failures.
/// </summary>
internal static class CatalogResilience
{
    public const string PipelineName = "catalog";

    // Short, because a catalog call is cheap and a caller waits on it; jitter spreads the retries of many clients.
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    // Set on a request retried after an attempt that may have been carried out unanswered (not after a 503 or 429,
    // which say that nothing was done): a 404 then may be that attempt's doing.
    private static readonly HttpRequestOptionsKey<bool> RetriedKey = new("Catalog.Client.Retried");

    /// <summary>True when <paramref name="request"/> was retried after an attempt that may have been carried out unanswered.</summary>
    public static bool WasRetried(HttpRequestMessage request) => request.Options.TryGetValue(RetriedKey, out var retried) && retried;

    public static ResiliencePipeline<HttpResponseMessage> Build(CatalogClientOptions options) =>
        Configure(new ResiliencePipelineBuilder<HttpResponseMessage>(), options).Build();

    public static ResiliencePipelineBuilder<HttpResponseMessage> Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, CatalogClientOptions options)
    {
        options.Validate();
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = FirstRetryDelay,
                MaxDelay = MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // Polly would wait out any Retry-After, however long, beyond every bound the caller was promised;
                // this honours one up to MaxRetryDelay and IsRetriable gives up on longer ones.
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter.Of(args.Outcome.Result)),
                ShouldHandle = args => ValueTask.FromResult(IsRetriable(args.Context, args.Outcome)),
                OnRetry = args =>
                {
                    if (MayHaveBeenCarriedOut(args.Outcome))
                    {
                        args.Context.GetRequestMessage()?.Options.Set(RetriedKey, true);
                    }

                    return ValueTask.CompletedTask;
                },
            });
        }

        // Inside the retry, so that a hung attempt is cut off and retried rather than eating the whole call.
        pipeline.AddTimeout(options.Timeout);
        return pipeline;
    }

    /// <summary>
    /// 5xx (but 501 and 505, which no retry changes), 408, 429, connection failures and attempt timeouts, for
    /// idempotent methods only, unless the server asks for a longer wait than <see cref="MaxRetryDelay"/>: then its
    /// answer goes to the caller at once.
    /// </summary>
    private static bool IsRetriable(ResilienceContext context, Outcome<HttpResponseMessage> outcome) =>
        context.GetRequestMessage() is { } request
        && IsIdempotent(request.Method)
        && HttpClientResiliencePredicates.IsTransient(outcome)
        && outcome.Result?.StatusCode is not (HttpStatusCode.NotImplemented or HttpStatusCode.HttpVersionNotSupported)
        && !(RetryAfter.Of(outcome.Result) > MaxRetryDelay);

    // No answer (a timeout, a dropped connection) or one from a server that may have failed part-way (500, 502 from
    // a proxy that lost it, 504): the attempt may have been done. 503, 429 and 408 say it was not taken on.
    private static bool MayHaveBeenCarriedOut(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is not { } answer
        || answer.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;

    // POST creates an item per attempt: retrying one whose answer was lost would create it twice.
    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete;
}
