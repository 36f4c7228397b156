using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Platform.Secrets.Tests;

[TestFixture]
public sealed class VaultClientAuthTests : VaultStubFixture
{
    private static readonly Dictionary<string, string> Data = new() { ["value"] = "kv-value-123" };

    [Test]
    public async Task AppRole_LogsInOnFirstUse_AndSendsTheIssuedToken()
    {
        var client = Client(AppRoleOptions());

        await client.WriteKvAsync("app/one", Data);

        var login = Stub.Requests[0];
        var body = JsonNode.Parse(login.Body)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That((login.Method, login.Path, login.Token), Is.EqualTo(("POST", "/v1/auth/approle/login", (string?)null)));
            Assert.That(body["role_id"]!.GetValue<string>(), Is.EqualTo(VaultStub.RoleId));
            Assert.That(body["secret_id"]!.GetValue<string>(), Is.EqualTo(VaultStub.SecretId));
            Assert.That(Stub.Requests[1].Token, Is.EqualTo(Stub.IssuedTokens.Single()));
            Assert.That(client.Lease, Is.EqualTo(new VaultLease(TimeSpan.FromSeconds(60), true, client.Lease!.ObtainedAt)));
        }
    }

    [Test]
    public async Task AppRole_WithAWrongSecretId_IsAnInvalidRequest_QuotingVault()
    {
        var client = Client(AppRoleOptions() with { SecretId = "wrong-secret-id-000000" });

        var error = await Assert.ThrowsAsync<VaultInvalidRequestException>(() => client.LoginAsync());

        Assert.That(error!.Message, Does.Contain("invalid role or secret ID").And.Contain("POST /v1/auth/approle/login"));
        Assert.That(error.Message, Does.Not.Contain("wrong-secret-id-000000"));
    }

    [Test]
    public async Task RevokeLogin_RevokesTheAppRoleToken_AndTheNextRequestLogsInAgain()
    {
        var client = Client(AppRoleOptions());
        await client.WriteKvAsync("app/one", Data);
        var first = Stub.IssuedTokens.Single();

        var revoked = await client.RevokeLoginAsync();
        await client.ReadKvAsync("app/one");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(revoked, Is.True);
            Assert.That(Stub.Requests.Single(r => r.Path == "/v1/auth/token/revoke-self").Token, Is.EqualTo(first));
            Assert.That(Stub.IssuedTokens, Has.Count.EqualTo(2), "the revoked token is not used again");
            Assert.That(Stub.Requests[^1].Token, Is.EqualTo(Stub.IssuedTokens[1]));
        }
    }

    [Test]
    public async Task RevokeLogin_LeavesAGivenVaultTokenAlone()
    {
        var client = Client();
        await client.WriteKvAsync("app/one", Data);

        var revoked = await client.RevokeLoginAsync();

        Assert.That(revoked, Is.False);
        Assert.That(Stub.Hits("POST", "/v1/auth/token/revoke-self"), Is.Zero, "the operator's own token is not Platform's to revoke");
    }

    [Test]
    public async Task RenewSelf_AsksForTheIncrement_AndTakesTheNewLease()
    {
        var client = Client();

        var lease = await client.RenewSelfAsync(TimeSpan.FromHours(1));

        var renew = Stub.Requests.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That((renew.Method, renew.Path, renew.Token), Is.EqualTo(("POST", "/v1/auth/token/renew-self", (string?)VaultStub.RootToken)));
            Assert.That(JsonNode.Parse(renew.Body)!["increment"]!.GetValue<string>(), Is.EqualTo("1h"));
            Assert.That(lease.Duration, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(lease.Renewable, Is.True);
        }
    }

    [Test]
    public async Task Token_IsRenewedAutomatically_OnceTwoThirdsOfTheLeaseHaveGone()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var client = Client(AppRoleOptions(), clock);

        await client.WriteKvAsync("app/one", Data);
        clock.Advance(TimeSpan.FromSeconds(39));
        await client.ReadKvAsync("app/one");
        Assert.That(Stub.Hits("POST", "/v1/auth/token/renew-self"), Is.Zero, "not yet due at 39 s of 60");

        clock.Advance(TimeSpan.FromSeconds(2));
        await client.ReadKvAsync("app/one");

        Assert.That(Stub.Requests.Select(r => r.Path).TakeLast(2), Is.EqualTo(new[] { "/v1/auth/token/renew-self", "/v1/secret/data/app/one" }));
        Assert.That(client.Lease!.ObtainedAt, Is.EqualTo(clock.GetUtcNow()));
    }

    [Test]
    public async Task RenewalRefused_LogsInAgainWithAppRole()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var client = Client(AppRoleOptions(), clock);
        await client.WriteKvAsync("app/one", Data);

        Stub.RevokeAllTokens();
        clock.Advance(TimeSpan.FromSeconds(45));
        var secret = await client.ReadKvAsync("app/one");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(secret.Data["value"], Is.EqualTo("kv-value-123"));
            Assert.That(Stub.Hits("POST", "/v1/auth/token/renew-self"), Is.EqualTo(1));
            Assert.That(Stub.Hits("POST", "/v1/auth/approle/login"), Is.EqualTo(2));
            Assert.That(Stub.Requests[^1].Token, Is.EqualTo(Stub.IssuedTokens[^1]));
        }
    }

    [Test]
    public async Task ExpiredLease_LogsInAgain_WithoutTryingToRenew()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var client = Client(AppRoleOptions(), clock);
        await client.WriteKvAsync("app/one", Data);

        clock.Advance(TimeSpan.FromSeconds(61));
        await client.ReadKvAsync("app/one");

        Assert.That(Stub.Hits("POST", "/v1/auth/token/renew-self"), Is.Zero);
        Assert.That(Stub.Hits("POST", "/v1/auth/approle/login"), Is.EqualTo(2));
    }

    [Test]
    public async Task ConcurrentRequests_RenewOnce()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var client = Client(AppRoleOptions(), clock);
        await client.WriteKvAsync("app/one", Data);
        clock.Advance(TimeSpan.FromSeconds(50));

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.ReadKvAsync("app/one")));

        Assert.That(Stub.Hits("POST", "/v1/auth/token/renew-self"), Is.EqualTo(1));
        Assert.That(Stub.Hits("GET", "/v1/secret/data/app/one"), Is.EqualTo(10));
    }

    [Test]
    public async Task TokenAndAppRole_TheTokenIsUsedFirst_AppRoleOnceRenewalIsRefused()
    {
        var client = Client(AppRoleOptions() with { Token = VaultStub.RootToken });

        await client.WriteKvAsync("app/one", Data);
        Assert.That(Stub.Requests.Single().Token, Is.EqualTo(VaultStub.RootToken), "no login while the token works");

        Stub.RevokeAllTokens();
        var lease = await client.RenewSelfAsync();

        Assert.That(Stub.Hits("POST", "/v1/auth/approle/login"), Is.EqualTo(1));
        Assert.That(lease.Duration, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task TokenAndAppRole_ARefusedToken_LogsInWithAppRole_AndTheRequestGoesThrough()
    {
        var client = Client(AppRoleOptions() with { Token = VaultStub.RootToken });
        await client.WriteKvAsync("app/one", Data);

        // The token's lease is unknown (never renewed): its expiry shows only as a refusal.
        Stub.RevokeAllTokens();
        var secret = await client.ReadKvAsync("app/one");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(secret.Data["value"], Is.EqualTo("kv-value-123"));
            Assert.That(Stub.Hits("POST", "/v1/auth/approle/login"), Is.EqualTo(1));
            Assert.That(Stub.Requests[^1].Token, Is.EqualTo(Stub.IssuedTokens.Single()));
        }
    }

    [Test]
    public async Task AppRoleToken_RefusedByPolicy_IsNotFollowedByAnotherLogin()
    {
        var client = Client(AppRoleOptions());
        Stub.DeniedPaths["/v1/secret/data/app/denied"] = 0;

        await Assert.ThrowsAsync<VaultPermissionDeniedException>(() => client.ReadKvAsync("app/denied"));

        Assert.That(Stub.Hits("POST", "/v1/auth/approle/login"), Is.EqualTo(1));
        Assert.That(Stub.Hits("GET", "/v1/secret/data/app/denied"), Is.EqualTo(1));
    }

    [Test]
    public async Task StaticToken_ThatCannotBeRenewed_SaysToSetAFreshToken()
    {
        var client = Client();
        Stub.RevokeAllTokens();

        var error = await Assert.ThrowsAsync<VaultPermissionDeniedException>(() => client.RenewSelfAsync());

        Assert.That(error!.Message, Does.Contain("permission denied on POST /v1/auth/token/renew-self").And.Contain("VAULT_TOKEN"));
    }

    [Test]
    public async Task WrongToken_IsPermissionDenied_NamingMethodPathAndVaultsError()
    {
        var client = Client(TokenOptions("hvs.NotAValidTokenAtAll0123456789"));

        var error = await Assert.ThrowsAsync<VaultPermissionDeniedException>(() => client.ReadKvAsync("app/one"));

        Assert.That(error!.Message, Does.StartWith("Vault: permission denied on GET /v1/secret/data/app/one: permission denied; check the token's policies"));
        Assert.That(error.Errors, Is.EqualTo(new[] { "permission denied" }));
    }

    [Test]
    public async Task PolicyDenial_QuotesVaultsMultiLineError_OnOneLine()
    {
        Stub.DeniedPaths["/v1/secret/data/ops/root"] = 0;

        var error = await Assert.ThrowsAsync<VaultPermissionDeniedException>(() => Client().ReadKvAsync("ops/root"));

        Assert.That(error!.Message, Does.Contain("GET /v1/secret/data/ops/root: 1 error occurred: * permission denied;"));
        Assert.That(Stub.Hits("GET", "/v1/secret/data/ops/root"), Is.EqualTo(1), "4xx is never retried");
    }

    [Test]
    public async Task Namespace_IsSentOnEveryRequest_LoginIncluded()
    {
        var client = Client(AppRoleOptions() with { Namespace = "team-a/platform" });

        await client.WriteKvAsync("app/one", Data);
        await client.ListKvAsync("app");
        await client.RenewSelfAsync();

        Assert.That(Stub.Requests, Has.Count.EqualTo(4));
        Assert.That(Stub.Requests.Select(r => r.Namespace), Is.All.EqualTo("team-a/platform"));
    }

    [Test]
    public async Task WithoutANamespace_NoNamespaceHeaderIsSent()
    {
        await Client().ListKvAsync("app");

        Assert.That(Stub.Requests.Single().Namespace, Is.Null);
    }
}
