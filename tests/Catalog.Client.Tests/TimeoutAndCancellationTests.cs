using Catalog.Client.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Platform.TestSupport;

namespace Catalog.Client.Tests;

/// <summary>A catalog that does not answer is a CatalogTimeoutException; the caller's own cancellation stays an OperationCanceledException.</summary>
public sealed class TimeoutAndCancellationTests
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // A short attempt timeout and one retry: a GET that times out is tried exactly twice.
    private static StandaloneCatalogClient OneRetryClient(StubHandler stub) => stub.CreateClient(o =>
    {
        o.Timeout = ShortTimeout;
        o.MaxRetries = 1;
    });

    [Test]
    public async Task AnAttemptThatHangsTimesOutIsRetriedAndSurfacesAsCatalogTimeoutException()
    {
        var stub = StubHandler.Hanging();
        var client = OneRetryClient(stub);

        var timeout = await Assert.ThrowsAsync<CatalogTimeoutException>(() => client.GetAsync(7));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(timeout.Timeout, Is.EqualTo(ShortTimeout));
            Assert.That(timeout.Message, Does.Contain("GET http://catalog.test/items/7").And.Contain("0.2 s"));
            Assert.That(timeout, Is.InstanceOf<TimeoutException>());
            Assert.That(stub.Attempts, Is.EqualTo(2), "a GET that timed out is retried");
        }
    }

    [Test]
    public async Task ABodyThatStallsAfterTheHeadersTimesOutAndIsRetried()
    {
        var stub = StubHandler.StallingBody();
        var client = OneRetryClient(stub);

        // Bounded here, so that a call that hangs fails the test rather than the run.
        var timeout = await Assert.ThrowsAsync<CatalogTimeoutException>(() => client.GetAsync(7).WaitAsync(Patience));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(timeout.Timeout, Is.EqualTo(ShortTimeout));
            Assert.That(stub.Attempts, Is.EqualTo(2), "the timeout covers the body, so the attempt is cut off and retried");
        }
    }

    [Test]
    public async Task WithDependencyInjectionABodyThatStallsTimesOutToo()
    {
        var stub = StubHandler.StallingBody();
        var services = new ServiceCollection();
        services.AddCatalogClient(o =>
            {
                o.BaseAddress = new Uri("http://catalog.test/");
                o.Timeout = ShortTimeout;
                o.MaxRetries = 0;
            })
            .ConfigurePrimaryHttpMessageHandler(() => stub);
        await using var provider = services.BuildServiceProvider();

        await Assert.ThrowsAsync<CatalogTimeoutException>(() => provider.GetRequiredService<ICatalogClient>().ListAsync().WaitAsync(Patience));
    }

    [Test]
    public async Task APostThatTimesOutIsNotRetried()
    {
        var stub = StubHandler.Hanging();

        await Assert.ThrowsAsync<CatalogTimeoutException>(() => stub.CreateClient(o => o.Timeout = ShortTimeout).CreateAsync(new ItemDraft("Lamp", 1m)));

        Assert.That(stub.Attempts, Is.EqualTo(1));
    }

    [Test]
    public async Task TheCallersCancellationIsAnOperationCanceledExceptionAndIsNotRetried()
    {
        using var cancellation = new CancellationTokenSource();
        // The caller gives up once the request is on its way (a timer could run out before it starts, on a busy machine).
        var stub = new StubHandler(async (_, _, attemptCancelled) =>
        {
            await cancellation.CancelAsync();
            await Task.Delay(Timeout.Infinite, attemptCancelled);
            throw new InvalidOperationException("unreachable");
        });

        var cancelled = await Assert.CatchAsync<OperationCanceledException>(() => stub.CreateClient().GetAsync(7, cancellation.Token));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cancelled.CancellationToken, Is.EqualTo(cancellation.Token));
            Assert.That(stub.Attempts, Is.EqualTo(1));
        }
    }

    // An application shutting down disposes its client under a call: that is no timeout (no alert, no retry), and says so.
    [Test]
    public async Task DisposingTheClientDuringACallIsACancellationNotATimeout()
    {
        var stub = StubHandler.Hanging();
        var client = stub.CreateClient();
        var call = client.GetAsync(7);
        await Poll.UntilAsync(() => Task.FromResult(stub.Attempts == 1), Patience, TimeSpan.FromMilliseconds(10), "the call was not sent");

        client.Dispose();

        Assert.That(async () => await call.WaitAsync(Patience), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(stub.Attempts, Is.EqualTo(1), "not retried");
    }

    [Test]
    public async Task AnHttpClientTimeoutOfTheCallersOwnClientIsAlsoACatalogTimeoutException()
    {
        // Without the resilience handler: only HttpClient's own timeout, which surfaces as TaskCanceledException.
        using var http = new HttpClient(StubHandler.Hanging()) { Timeout = ShortTimeout };
        var client = new CatalogClient(http, new CatalogClientOptions { BaseAddress = new Uri("http://catalog.test/") });

        var timeout = await Assert.ThrowsAsync<CatalogTimeoutException>(() => client.ListAsync());

        Assert.That(timeout.Timeout, Is.EqualTo(ShortTimeout));
    }
}
