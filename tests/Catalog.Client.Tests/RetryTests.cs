using System.Net;
using System.Net.Http.Headers;
using Catalog.Client.Tests.Support;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace Catalog.Client.Tests;

/// <summary>Retries repeat idempotent calls (GET, PUT, DELETE) on transient failures only, and never a POST.</summary>
public sealed class RetryTests
{
    [Test]
    public async Task GetIsRetriedOnTransientStatusesAndSucceeds([Values(500, 502, 503, 408, 429)] int status)
    {
        var stub = StubHandler.FailingFirst(2, (HttpStatusCode)status, Payloads.Item);

        var item = await stub.CreateClient().GetAsync(7);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(item.Name, Is.EqualTo("Lamp"));
            Assert.That(stub.Attempts, Is.EqualTo(3), "two failures, then the default 2 retries succeed");
        }
    }

    [Test]
    public async Task PutIsRetried()
    {
        var stub = StubHandler.FailingFirst(1, HttpStatusCode.ServiceUnavailable, Payloads.Item);

        var change = await stub.CreateClient().UpdateAsync(7, new ItemDraft("Lamp", 20m));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(change.Item?.Id, Is.EqualTo(7));
            Assert.That(stub.Attempts, Is.EqualTo(2));
            Assert.That(stub.Requests.Select(r => r.Body), Has.All.Contains("\"name\":\"Lamp\""), "the body is sent again with the retry");
        }
    }

    [Test]
    public async Task DeleteIsRetried()
    {
        var stub = StubHandler.FailingFirst(1, HttpStatusCode.ServiceUnavailable, string.Empty, HttpStatusCode.NoContent);

        var change = await stub.CreateClient().DeleteAsync(7);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(change is { DryRun: false, Action: ItemChange.DeleteAction, Item: null }, Is.True);
            Assert.That(stub.Attempts, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task PostIsNeverRetried()
    {
        var stub = StubHandler.FailingFirst(1, HttpStatusCode.ServiceUnavailable, Payloads.Item, HttpStatusCode.Created);

        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => stub.CreateClient().CreateAsync(new ItemDraft("Lamp", 20m)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failure.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(stub.Attempts, Is.EqualTo(1), "a retried POST whose answer was lost would create the item twice");
        }
    }

    [Test]
    public async Task PostIsNotRetriedAfterAConnectionFailure()
    {
        var stub = new StubHandler((_, _, _) => throw new HttpRequestException("Connection refused"));

        await Assert.ThrowsAsync<HttpRequestException>(() => stub.CreateClient().CreateAsync(new ItemDraft("Lamp", 20m)));

        Assert.That(stub.Attempts, Is.EqualTo(1));
    }

    [Test]
    public async Task GetIsRetriedAfterAConnectionFailure()
    {
        var stub = new StubHandler((attempt, _, _) => attempt == 1
            ? throw new HttpRequestException("Connection refused")
            : Task.FromResult(StubHandler.Json(HttpStatusCode.OK, Payloads.Item)));

        var item = await stub.CreateClient().GetAsync(7);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(item.Id, Is.EqualTo(7));
            Assert.That(stub.Attempts, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task ADeleteWhoseAnswerWasLostIsDoneWhenItsRetryFindsTheItemGone()
    {
        var stub = LosingTheFirstAnswerThenNotFound();

        var change = await stub.CreateClient(o => o.Timeout = TimeSpan.FromMilliseconds(200)).DeleteAsync(7);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(change is { DryRun: false, Action: ItemChange.DeleteAction, Item: null }, Is.True);
            Assert.That(stub.Attempts, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task ADryRunDeleteWhoseRetryFindsNoItemIsStillNotFound()
    {
        var stub = LosingTheFirstAnswerThenNotFound();

        await Assert.ThrowsAsync<CatalogNotFoundException>(() => stub.CreateClient(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(200);
            o.DryRun = true;
        }).DeleteAsync(7));

        Assert.That(stub.Attempts, Is.EqualTo(2), "a dry run changed nothing, so its 404 means there is no such item");
    }

    [Test]
    public async Task ClientErrorsAreNotRetried()
    {
        var stub = StubHandler.Answering(HttpStatusCode.NotFound, Payloads.NotFoundProblem, "application/problem+json");

        await Assert.ThrowsAsync<CatalogNotFoundException>(() => stub.CreateClient().GetAsync(7));

        Assert.That(stub.Attempts, Is.EqualTo(1));
    }

    [Test]
    public async Task InvalidAndConflictingRequestsAreNotRetried([Values(400, 409)] int status)
    {
        var stub = StubHandler.Answering((HttpStatusCode)status, "{}");

        await Assert.CatchAsync<CatalogApiException>(() => stub.CreateClient().UpdateAsync(7, new ItemDraft("Lamp", 20m)));

        Assert.That(stub.Attempts, Is.EqualTo(1));
    }

    // No retry changes a method the server does not implement or an HTTP version it refuses.
    [Test]
    public async Task NotImplementedAndHttpVersionNotSupportedAreNotRetried([Values(501, 505)] int status)
    {
        var stub = StubHandler.Answering((HttpStatusCode)status, "{}");

        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => stub.CreateClient().GetAsync(7));

        Assert.That((failure.StatusCode, stub.Attempts), Is.EqualTo(((HttpStatusCode)status, 1)));
    }

    // A 503, 429 or 408 says the attempt was not taken on: the retry's 404 is about an item that does not exist, not one
    // an earlier attempt deleted.
    [Test]
    public async Task ADeleteOfAMissingItemRetriedAfterAnAnswerThatDidNothingIsNotFound([Values(503, 429, 408)] int first)
    {
        var stub = new StubHandler((attempt, _, _) => Task.FromResult(attempt == 1
            ? new HttpResponseMessage((HttpStatusCode)first)
            : StubHandler.Json(HttpStatusCode.NotFound, Payloads.NotFoundProblem, "application/problem+json")));

        await Assert.ThrowsAsync<CatalogNotFoundException>(() => stub.CreateClient().DeleteAsync(424242));

        Assert.That(stub.Attempts, Is.EqualTo(2));
    }

    // A 500, 502 or 504 may come after the server did the work: the retry's 404 then means the item is gone.
    [Test]
    public async Task ADeleteRetriedAfterAnAnswerThatMayHaveDoneItIsDoneWhenTheItemIsGone([Values(500, 502, 504)] int first)
    {
        var stub = new StubHandler((attempt, _, _) => Task.FromResult(attempt == 1
            ? new HttpResponseMessage((HttpStatusCode)first)
            : StubHandler.Json(HttpStatusCode.NotFound, Payloads.NotFoundProblem, "application/problem+json")));

        var change = await stub.CreateClient().DeleteAsync(7);

        Assert.That((change.Action, change.Item, stub.Attempts), Is.EqualTo((ItemChange.DeleteAction, (Item?)null, 2)));
    }

    [Test]
    public async Task RetriesStopAtMaxRetriesAndTheLastAnswerSurfaces()
    {
        var stub = StubHandler.Answering(HttpStatusCode.ServiceUnavailable, "{}");

        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => stub.CreateClient(o => o.MaxRetries = 1).GetAsync(7));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failure.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(stub.Attempts, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task AShortRetryAfterIsWaitedOutBeforeTheRetry()
    {
        var stub = FailingOnceAskingToWait(TimeSpan.FromSeconds(1));
        var retries = new RetryDelays();
        var telemetry = new TelemetryOptions();
        telemetry.TelemetryListeners.Add(retries);
        // The client's own pipeline, with Polly's telemetry saying which delay each retry was given (no clock read here).
        var pipeline = CatalogResilience.Configure(new ResiliencePipelineBuilder<HttpResponseMessage>().ConfigureTelemetry(telemetry), new CatalogClientOptions { BaseAddress = new Uri("http://catalog.test/") }).Build();
        using var http = new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = stub });

        using var answer = await http.GetAsync(new Uri("http://catalog.test/items/7"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stub.Attempts, Is.EqualTo(2));
            Assert.That(retries.Delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(1) }), "the server's wait, not the 200 ms back-off");
        }
    }

    [Test]
    public async Task AShortRetryAfterIsRetriedByTheClient()
    {
        var stub = FailingOnceAskingToWait(TimeSpan.FromSeconds(1));

        var item = await stub.CreateClient().GetAsync(7);

        Assert.That((item.Id, stub.Attempts), Is.EqualTo((7L, 2)));
    }

    [Test]
    public async Task ALongRetryAfterIsNotWaitedOutButReportedToTheCaller()
    {
        var stub = FailingOnceAskingToWait(TimeSpan.FromMinutes(10));

        // Bounded here, so that a client that sleeps for the 10 minutes fails the test rather than the run.
        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => stub.CreateClient().GetAsync(7).WaitAsync(TimeSpan.FromSeconds(10)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failure.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(failure.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(stub.Attempts, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task NoRetriesWhenMaxRetriesIsZero()
    {
        var stub = StubHandler.FailingFirst(1, HttpStatusCode.ServiceUnavailable, Payloads.Item);

        await Assert.ThrowsAsync<CatalogApiException>(() => stub.CreateClient(o => o.MaxRetries = 0).GetAsync(7));

        Assert.That(stub.Attempts, Is.EqualTo(1));
    }

    /// <summary>503 with Retry-After: <paramref name="wait"/> on the first attempt, then the item.</summary>
    private static StubHandler FailingOnceAskingToWait(TimeSpan wait) =>
        new((attempt, _, _) =>
        {
            if (attempt > 1)
            {
                return Task.FromResult(StubHandler.Json(HttpStatusCode.OK, Payloads.Item));
            }

            var busy = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            busy.Headers.RetryAfter = new RetryConditionHeaderValue(wait);
            return Task.FromResult(busy);
        });

    /// <summary>The first attempt gets no answer (it hangs until its timeout), the retry a 404: the item is gone.</summary>
    private static StubHandler LosingTheFirstAnswerThenNotFound() =>
        new(async (attempt, _, cancellationToken) =>
        {
            if (attempt == 1)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return StubHandler.Json(HttpStatusCode.NotFound, Payloads.NotFoundProblem, "application/problem+json");
        });

    /// <summary>The delay Polly gave each retry, from its telemetry.</summary>
    private sealed class RetryDelays : TelemetryListener
    {
        private readonly List<TimeSpan> _delays = [];

        public IReadOnlyList<TimeSpan> Delays
        {
            get
            {
                lock (_delays)
                {
                    return [.. _delays];
                }
            }
        }

        public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
        {
            if (args.Arguments is OnRetryArguments<TResult> retry)
            {
                lock (_delays)
                {
                    _delays.Add(retry.RetryDelay);
                }
            }
        }
    }
}
