using System.Text.Json.Nodes;
using Platform.Core;

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
        Assert.That(JsonNode.Parse(write.Body)!.ToJsonString(), Is.EqualTo("""{"data":{"value":"stored-value-1"}}"""));
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
        using var store = new VaultSecretStore(new VaultClient(_client.Options with { KvMount = "secrets" }, new CapturingReporter()), Prefix, ownsClient: true);

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
        _client = new VaultClient(new VaultOptions { Address = _stub.Address, Token = VaultStub.RootToken }, new CapturingReporter());
        return new VaultSecretStore(_client, Prefix);
    }

    internal override async Task DisposeStoreAsync() => await _stub.DisposeAsync();

    /// <summary>Runs before the base class's teardown, which stops the stub.</summary>
    [TearDown]
    public void DisposeClient() => _client.Dispose();
}
