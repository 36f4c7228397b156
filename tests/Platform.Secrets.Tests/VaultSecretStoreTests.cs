using System.Text.Json.Nodes;
using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secrets.Tests;

[TestFixture]
public sealed class VaultSecretStoreTests : SecretStoreContract
{
    private const string Prefix = "platform/test";

    private VaultStub _stub = null!;
    private VaultClient _client = null!;

    [Test]
    public async Task Value_IsStoredUnderThePrefix_AsAValueField()
    {
        await Store.SetAsync("db/app-password", "stored-value-1");

        var write = _stub.Requests.Single(r => r.Method == "POST");
        Assert.That(write.Path, Is.EqualTo("/v1/secret/data/platform/test/db/app-password"));
        Assert.That(JsonNode.Parse(write.Body)!.ToJsonString(), Is.EqualTo("""{"data":{"value":"stored-value-1"},"options":{"cas":0}}"""));
    }

    [Test]
    public async Task Writes_CarryCheckAndSet_SoAMountWithCasRequiredWorks()
    {
        _stub.CasRequired = true;

        await Store.SetAsync("db/app-password", "cas-value-1");
        await Store.SetAsync("db/app-password", "cas-value-2");

        var casSent = _stub.Requests.Where(r => r.Method == "POST").Select(r => JsonNode.Parse(r.Body)!["options"]!["cas"]!.GetValue<int>());
        Assert.That(casSent, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(await Store.GetAsync("db/app-password"), Is.EqualTo("cas-value-2"));
    }

    [Test]
    public async Task AKeyWhoseLatestVersionWasSoftDeleted_IsWrittenAfterIt()
    {
        _stub.CasRequired = true;
        await Store.SetAsync("db/app-password", "cas-value-1");
        await _client.DeleteKvLatestAsync($"{Prefix}/db/app-password");

        await Store.SetAsync("db/app-password", "cas-value-2");

        Assert.That((await Store.ReadAsync("db/app-password"))!.Version, Is.EqualTo(2));
    }

    [Test]
    public async Task AWriteThatLostARace_IsRefusedClearly_WithoutQuotingTheValue()
    {
        await Store.SetAsync("db/app-password", "cas-value-1");
        // Another writer's version 2 lands between this store's read (which still sees version 1) and its write.
        await _client.WriteKvAsync($"{Prefix}/db/app-password", new Dictionary<string, string> { ["value"] = "other-value-2" });
        _stub.InjectFaults(1, 200, """{"data":{"data":{"value":"cas-value-1"},"metadata":{"version":1,"created_time":"2026-01-01T00:00:00Z"}}}""");

        var error = await Assert.ThrowsAsync<PlatformException>(() => Store.SetAsync("db/app-password", "cas-value-3"));

        Assert.That(error!.Message, Does.Contain("changed while").And.Contain("secret/platform/test/db/app-password").And.Not.Contain("cas-value-3"));
        Assert.That(await Store.GetAsync("db/app-password"), Is.EqualTo("other-value-2"));
    }

    [Test]
    public async Task AWriteThatMeetsItsOwnEarlierAttempt_IsDone_NotAConflict()
    {
        await Store.SetAsync("db/app-password", "cas-value-1");
        // As if this store's first attempt was committed by Vault and its answer lost: version 2 already holds the value.
        await _client.WriteKvAsync($"{Prefix}/db/app-password", new Dictionary<string, string> { ["value"] = "cas-value-2" });
        _stub.InjectFaults(1, 200, """{"data":{"data":{"value":"cas-value-1"},"metadata":{"version":1,"created_time":"2026-01-01T00:00:00Z"}}}""");

        await Store.SetAsync("db/app-password", "cas-value-2");

        Assert.That(await Store.GetAsync("db/app-password"), Is.EqualTo("cas-value-2"));
    }

    [Test]
    public async Task UnchangedValue_SendsNoWrite()
    {
        await Store.SetAsync("db/app-password", "same-value-1");
        await Store.SetAsync("db/app-password", "same-value-1");

        Assert.That(_stub.Hits("POST", "/v1/secret/data/platform/test/db/app-password"), Is.EqualTo(1));
    }

    [Test]
    public async Task Delete_RemovesMetadataAndEveryVersion()
    {
        await Store.SetAsync("operators/alice", "alice-key-value");
        await Store.DeleteAsync("operators/alice");

        Assert.That(_stub.Hits("DELETE", "/v1/secret/metadata/platform/test/operators/alice"), Is.EqualTo(1));
        Assert.That(await Store.ReadAsync("operators/alice", 1), Is.Null);
    }

    [Test]
    public async Task SecretWithoutAValueField_IsReported_NamingItsPath()
    {
        await _client.WriteKvAsync($"{Prefix}/db/other", new Dictionary<string, string> { ["password"] = "foreign-value-9" });

        var error = await Assert.ThrowsAsync<PlatformException>(() => Store.GetAsync("db/other"));
        Assert.That(error!.Message, Does.Contain("secret/platform/test/db/other").And.Contain("'value'").And.Not.Contain("foreign-value-9"));
    }

    [Test]
    public async Task AMountWithNoKvEngine_IsAnError_NotAMissingSecret()
    {
        using var store = new VaultSecretStore(new VaultClient(_client.Options with { KvMount = "secrets" }, new RecordingReporter()), Prefix, ownsClient: true);

        var error = await Assert.ThrowsAsync<VaultNotFoundException>(() => store.GetAsync("db/app-password"));

        Assert.That(error!.Message, Does.Contain("no handler for route").And.Contain("check the path and that the mount exists"));
    }

    [Test]
    public void InvalidPrefix_IsRefused()
    {
        var error = Assert.Throws<PlatformException>(() => _ = new VaultSecretStore(_client, "../escape"));
        Assert.That(error!.Message, Does.Contain("secrets.vault.prefix"));
    }

    internal override async Task<ISecretStore> CreateStoreAsync()
    {
        _stub = await VaultStub.StartAsync();
        _client = new VaultClient(new VaultOptions { Address = _stub.Address, Token = VaultStub.RootToken }, new RecordingReporter());
        return new VaultSecretStore(_client, Prefix);
    }

    internal override async Task DisposeStoreAsync() => await _stub.DisposeAsync();

    /// <summary>Runs before the base class's teardown, which stops the stub.</summary>
    [TearDown]
    public void DisposeClient() => _client.Dispose();
}
