using System.Text.Json.Nodes;

namespace Platform.Secrets.Tests;

[TestFixture]
public sealed class VaultClientKvTests : VaultStubFixture
{
    [Test]
    public async Task Write_ThenRead_GivesDataVersionAndCreatedTime()
    {
        var client = Client();

        var version = await client.WriteKvAsync("app/db", new Dictionary<string, string> { ["user"] = "app", ["password"] = "pw-123456" });
        var secret = await client.ReadKvAsync("app/db");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(version, Is.EqualTo(1));
            Assert.That(secret.Data, Is.EquivalentTo(new Dictionary<string, string?> { ["user"] = "app", ["password"] = "pw-123456" }));
            Assert.That(secret.Version, Is.EqualTo(1));
            Assert.That(secret.CreatedTime, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
            Assert.That(JsonNode.Parse(Stub.Requests[0].Body)!.ToJsonString(), Is.EqualTo("""{"data":{"user":"app","password":"pw-123456"}}"""));
        }
    }

    [Test]
    public async Task OlderVersions_AreReadWithTheVersionQuery()
    {
        var client = Client();
        await client.WriteKvAsync("app/key", new Dictionary<string, string> { ["value"] = "one-111" });
        await client.WriteKvAsync("app/key", new Dictionary<string, string> { ["value"] = "two-222" });

        var first = await client.ReadKvAsync("app/key", 1);
        var latest = await client.ReadKvAsync("app/key");

        using (Assert.EnterMultipleScope())
        {
            Assert.That((first.Version, first.Data["value"]), Is.EqualTo((1, "one-111")));
            Assert.That((latest.Version, latest.Data["value"]), Is.EqualTo((2, "two-222")));
            Assert.That(Stub.Requests.Where(r => r.Method == "GET").Select(r => r.Query), Is.EqualTo(new[] { "?version=1", "" }));
        }
    }

    [Test]
    public async Task VaultsWarnings_AreReported_Redacted()
    {
        Stub.InjectFaults(1, 200, """{"data":{"version":1,"created_time":"2026-01-01T00:00:00Z"},"warnings":["Invalid key \"extra\" for value-w-123;\nignored"]}""");

        await Client().WriteKvAsync("app/w", new Dictionary<string, string> { ["value"] = "value-w-123" });

        Assert.That(Reporter.Lines, Has.Some.EqualTo("WARN Vault warned on POST /v1/secret/data/app/w: Invalid key \"extra\" for ***; ignored"));
    }

    // A read whose answer carries a warning quoting its own value: the value is known as a secret before the warning is said.
    [Test]
    public async Task AWarningQuotingTheValueItCameWith_IsRedacted()
    {
        Stub.InjectFaults(1, 200, """{"data":{"data":{"value":"fresh-read-4711"},"metadata":{"version":1,"created_time":"2026-01-01T00:00:00Z"}},"warnings":["value fresh-read-4711 is near its max_versions"]}""");

        var read = await Client().ReadKvAsync("app/r");

        Assert.That(read.Data["value"], Is.EqualTo("fresh-read-4711"));
        Assert.That(Reporter.Lines, Has.Some.EqualTo("WARN Vault warned on GET /v1/secret/data/app/r: value *** is near its max_versions"));
    }

    [Test]
    public async Task MissingSecret_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<VaultNotFoundException>(() => Client().ReadKvAsync("app/none"));

        Assert.That(error!.Message, Does.Contain("GET /v1/secret/data/app/none"));
    }

    [Test]
    public async Task List_UsesTheListMethod_OnTheMetadataPath()
    {
        var client = Client();
        await client.WriteKvAsync("app/b", new Dictionary<string, string> { ["value"] = "value-b" });
        await client.WriteKvAsync("app/a", new Dictionary<string, string> { ["value"] = "value-a" });
        await client.WriteKvAsync("app/sub/c", new Dictionary<string, string> { ["value"] = "value-c" });

        var names = await client.ListKvAsync("app");

        Assert.That(names, Is.EqualTo(new[] { "a", "b", "sub/" }));
        Assert.That(Stub.Requests[^1], Has.Property(nameof(StubRequest.Method)).EqualTo("LIST").And.Property(nameof(StubRequest.Path)).EqualTo("/v1/secret/metadata/app/"));
    }

    [Test]
    public async Task List_CanUseGetWithListTrue()
    {
        var client = Client(TokenOptions() with { ListWithGet = true });
        await client.WriteKvAsync("app/a", new Dictionary<string, string> { ["value"] = "value-a" });

        Assert.That(await client.ListKvAsync("app/"), Is.EqualTo(new[] { "a" }));
        Assert.That((Stub.Requests[^1].Method, Stub.Requests[^1].Query), Is.EqualTo(("GET", "?list=true")));
    }

    [Test]
    public async Task List_OfAnEmptyFolder_IsEmpty_NotAnError()
    {
        Assert.That(await Client().ListKvAsync("nothing/here"), Is.Empty);
    }

    [Test]
    public async Task List_OnAMountWithNoKvEngine_IsAnError_NotAnEmptyFolder()
    {
        var client = Client(TokenOptions() with { KvMount = "secrets" });

        var error = await Assert.ThrowsAsync<VaultNotFoundException>(() => client.ListKvAsync("app"));

        Assert.That(error!.Message, Does.Contain("no handler for route").And.Contain("LIST /v1/secrets/metadata/app/"));
    }

    [Test]
    public async Task DeleteLatest_HidesTheLatestVersion_AndKeepsOlderOnes()
    {
        var client = Client();
        await client.WriteKvAsync("app/key", new Dictionary<string, string> { ["value"] = "one-111" });
        await client.WriteKvAsync("app/key", new Dictionary<string, string> { ["value"] = "two-222" });

        await client.DeleteKvLatestAsync("app/key");

        await Assert.ThrowsAsync<VaultNotFoundException>(() => client.ReadKvAsync("app/key"));
        Assert.That((await client.ReadKvAsync("app/key", 1)).Data["value"], Is.EqualTo("one-111"));
        Assert.That(await client.ListKvAsync("app"), Is.EqualTo(new[] { "key" }), "a soft delete keeps the key listed");
    }

    [Test]
    public async Task DeleteAll_RemovesEveryVersionAndTheListing()
    {
        var client = Client();
        await client.WriteKvAsync("app/key", new Dictionary<string, string> { ["value"] = "one-111" });

        await client.DeleteKvAllAsync("app/key");

        await Assert.ThrowsAsync<VaultNotFoundException>(() => client.ReadKvAsync("app/key", 1));
        Assert.That(await client.ListKvAsync("app"), Is.Empty);
        Assert.That(Stub.Requests[1], Has.Property(nameof(StubRequest.Method)).EqualTo("DELETE").And.Property(nameof(StubRequest.Path)).EqualTo("/v1/secret/metadata/app/key"));
    }

    [Test]
    public async Task Mount_IsConfigurable_AndPathSegmentsAreEscaped()
    {
        Stub.KvMounts["kv-platform"] = 0;
        var client = Client(TokenOptions() with { KvMount = "kv-platform" });

        await client.WriteKvAsync("app/with space", new Dictionary<string, string> { ["value"] = "value-x" });

        Assert.That(Stub.Requests[0].Path, Is.EqualTo("/v1/kv-platform/data/app/with space"));
        Assert.That((await client.ReadKvAsync("app/with space")).Data["value"], Is.EqualTo("value-x"));
    }
}
