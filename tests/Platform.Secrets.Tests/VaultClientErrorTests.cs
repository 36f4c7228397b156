using System.Net;

namespace Platform.Secrets.Tests;

[TestFixture]
public sealed class VaultClientErrorTests : VaultStubFixture
{
    private const string ReadPath = "/v1/secret/data/app/key";

    [Test]
    public async Task ServerErrors_AreRetried_WithExponentialBackoff_ThenSucceed()
    {
        var client = Client();
        await client.WriteKvAsync("app/key", new Dictionary<string, string> { ["value"] = "value-1" });
        Stub.InjectFaults(2, 500, """{"errors":["internal error"]}""");

        var secret = await client.ReadKvAsync("app/key");

        Assert.That(secret.Data["value"], Is.EqualTo("value-1"));
        Assert.That(Stub.Hits("GET", ReadPath), Is.EqualTo(3));
        Assert.That(Delays, Is.EqualTo(new[] { TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500) }));
        Assert.That(Reporter.Lines.Count(l => l.StartsWith("WARN ", StringComparison.Ordinal) && l.Contains("retrying", StringComparison.Ordinal)), Is.EqualTo(2));
    }

    [Test]
    public async Task Retries_AreBounded_AndTheLastErrorIsReported()
    {
        Stub.InjectFaults(10, 502, """{"errors":["upstream gone"]}""");

        var error = await Assert.ThrowsAsync<VaultException>(() => Client().ReadKvAsync("app/key"));

        Assert.That(Stub.Hits("GET", ReadPath), Is.EqualTo(3));
        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
        Assert.That(error.Message, Is.EqualTo($"Vault returned 502 BadGateway on GET {ReadPath}: upstream gone."));
    }

    [Test]
    public async Task MaxAttempts_IsConfigurable()
    {
        Stub.InjectFaults(10, 500, """{"errors":["internal error"]}""");
        var client = Client(TokenOptions() with { Retry = TokenOptions().Retry with { MaxAttempts = 5 } });

        await Assert.ThrowsAsync<VaultException>(() => client.ReadKvAsync("app/key"));

        Assert.That(Stub.Hits("GET", ReadPath), Is.EqualTo(5));
    }

    [Test]
    public async Task Sealed_IsRetriedOnlyUpToTheBound_ThenReportedAsSealed()
    {
        Stub.InjectFaults(10, 503, """{"errors":["Vault is sealed"]}""");

        var error = await Assert.ThrowsAsync<VaultSealedException>(() => Client().ReadKvAsync("app/key"));

        Assert.That(Stub.Hits("GET", ReadPath), Is.EqualTo(3));
        Assert.That(error!.Message, Does.StartWith($"Vault at {Stub.Address} is sealed or in standby: Vault is sealed (GET {ReadPath})"));
    }

    [Test]
    public async Task RateLimited_IsRetried_LikeTheVaultCli_ThenReported()
    {
        Stub.InjectFaults(10, 429, """{"errors":["request path \"secret/data/app/key\": rate limit quota exceeded"]}""");

        var error = await Assert.ThrowsAsync<VaultException>(() => Client().ReadKvAsync("app/key"));

        Assert.That(Stub.Hits("GET", ReadPath), Is.EqualTo(3));
        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(error.Message, Does.Contain("rate limit quota exceeded"));
    }

    [Test]
    public async Task NotImplemented_IsNotRetried()
    {
        Stub.InjectFaults(1, 501, """{"errors":["not supported by this storage"]}""");

        var error = await Assert.ThrowsAsync<VaultException>(() => Client().ReadKvAsync("app/key"));

        Assert.That(Stub.Hits("GET", ReadPath), Is.EqualTo(1));
        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.NotImplemented));
    }

    [TestCase(400, typeof(VaultInvalidRequestException), "invalid request")]
    [TestCase(403, typeof(VaultPermissionDeniedException), "permission denied on")]
    [TestCase(404, typeof(VaultNotFoundException), "has nothing at")]
    [TestCase(405, typeof(VaultException), "405 MethodNotAllowed")]
    public async Task ClientErrors_AreTyped_QuoteVault_AndAreNeverRetried(int status, Type type, string wording)
    {
        Stub.InjectFaults(3, status, """{"errors":["the stub says no"]}""");

        var error = await Assert.CatchAsync<VaultException>(() => Client().ReadKvAsync("app/key"));

        Assert.That(error, Is.TypeOf(type));
        Assert.That(error!.Message, Does.Contain(wording).And.Contain($"GET {ReadPath}").And.Contain("the stub says no"));
        Assert.That(Stub.Hits("GET", ReadPath), Is.EqualTo(1));
    }

    [Test]
    public async Task NonJsonErrorBody_IsQuotedShortened()
    {
        Stub.InjectFaults(1, 400, "<html><body>" + new string('x', 500) + "</body></html>");

        var error = await Assert.ThrowsAsync<VaultInvalidRequestException>(() => Client().ReadKvAsync("app/key"));

        Assert.That(error!.Message, Does.Contain("<html><body>xxx").And.Contain("…"));
        Assert.That(error.Message, Has.Length.LessThan(400));
    }

    [Test]
    public async Task SlowVault_TimesOutPerRequest_RetriesBounded_WithAClearError()
    {
        Stub.ResponseDelay = TimeSpan.FromSeconds(5);
        var client = Client(TokenOptions() with { RequestTimeout = TimeSpan.FromSeconds(1), Retry = TokenOptions().Retry with { MaxAttempts = 2 } });

        var error = await Assert.ThrowsAsync<VaultUnavailableException>(() => client.ReadKvAsync("app/key"));

        Assert.That(error!.Message, Is.EqualTo(
            $"Vault at {Stub.Address} did not answer GET {ReadPath} within 1 s (2 attempt(s)); check VAULT_ADDR and that Vault is up and reachable from this machine."));
        // The stub counts a request when its handler runs, which on a busy machine may come a little later.
        Assert.That(() => Stub.Hits("GET", ReadPath), Is.EqualTo(2).After(5000, 20));
    }

    [Test]
    public void CallerCancellation_IsNotMistakenForATimeout()
    {
        Stub.ResponseDelay = TimeSpan.FromSeconds(5);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        Assert.That(async () => await Client().ReadKvAsync("app/key", cancellation: cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        // No retry was even scheduled (the client records every back-off it waits).
        Assert.That(Delays, Is.Empty, "the caller's cancellation is not retried");
        Assert.That(Stub.Hits("GET", ReadPath), Is.AtMost(1));
    }

    [Test]
    public async Task UnreachableVault_IsRetried_ThenReported()
    {
        var stopped = await VaultStub.StartAsync();
        var address = stopped.Address;
        await stopped.DisposeAsync();

        var error = await Assert.ThrowsAsync<VaultUnavailableException>(() => Client(TokenOptions() with { Address = address }).ReadKvAsync("app/key"));

        Assert.That(error!.Message, Does.StartWith($"Cannot reach Vault at {address} for GET {ReadPath} (3 attempt(s))").And.Contain("VAULT_ADDR"));
        Assert.That(Delays, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task SuccessThatIsNotJson_IsReported()
    {
        Stub.InjectFaults(1, 200, "<html>login page</html>");

        var error = await Assert.ThrowsAsync<VaultException>(() => Client().ReadKvAsync("app/key"));

        Assert.That(error!.Message, Does.Contain("not JSON").And.Contain("VAULT_ADDR"));
    }
}
