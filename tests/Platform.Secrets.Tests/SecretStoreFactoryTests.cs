using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secrets.Tests;

[TestFixture]
public sealed class SecretStoreFactoryTests
{
    private const string Environment = "staging";

    private ScratchFolder _repo = null!;
    private RecordingReporter _reporter = null!;

    [SetUp]
    public void CreateRepository()
    {
        _repo = ScratchFolder.Create("repo");
        Directory.CreateDirectory(Path.Combine(_repo.Path, "infra", Environment));
        _reporter = new RecordingReporter();
    }

    [TearDown]
    public void RemoveRepository() => _repo.Dispose();

    [Test]
    public async Task WithoutSettings_TheLocalStoreInTheEnvironmentsSecretsFolder_IsUsed()
    {
        var run = Run();

        var store = SecretStoreFactory.Create(run, _ => null);
        await store.SetAsync("db/app-password", "local-secret-value");

        var file = (FileSecretStore)((RedactingSecretStore)store).Inner;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(store.Backend, Is.EqualTo("local"));
            Assert.That(file.Root, Is.EqualTo(run.Layout.SecretsDir));
            Assert.That(File.Exists(Path.Combine(run.Layout.SecretsDir, "db", "app-password.json")), Is.True);
            Assert.That(run.Redactor.Redact("pw=local-secret-value"), Is.EqualTo("pw=***"));
        }
    }

    [Test]
    public async Task ValuesRead_AreRegisteredWithTheRunsRedactor()
    {
        await new FileSecretStore(Run().Layout.SecretsDir).SetAsync("db/app-password", "written-elsewhere-1");
        var run = Run();

        await SecretStoreFactory.Create(run, _ => null).GetAsync("db/app-password");

        Assert.That(run.Redactor.Redact("written-elsewhere-1"), Is.EqualTo("***"));
    }

    [Test]
    public async Task VaultBackend_UsesTheSettings_AndTheVaultVariables()
    {
        await using var stub = await VaultStub.StartAsync();
        stub.KvMounts["kv"] = 0;
        WriteSettings("""{ "secrets": { "backend": "vault", "vault": { "mount": "kv", "prefix": "teams/platform" } } }""");
        var run = Run();

        var store = SecretStoreFactory.Create(run, VaultEnvironment(stub));
        await store.SetAsync("db/app-password", "vault-secret-value");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(store.Backend, Is.EqualTo("vault"));
            Assert.That(stub.Requests[^1].Path, Is.EqualTo("/v1/kv/data/teams/platform/db/app-password"));
            Assert.That(await store.GetAsync("db/app-password"), Is.EqualTo("vault-secret-value"));
            Assert.That(run.Redactor.Redact($"{VaultStub.RootToken} vault-secret-value"), Is.EqualTo("*** ***"));
        }

        ((IDisposable)store).Dispose();
    }

    [Test]
    public async Task VaultBackend_DefaultsToPlatformEnvOnTheSecretMount()
    {
        await using var stub = await VaultStub.StartAsync();
        WriteSettings("""{ "secrets": { "backend": "vault" } }""");

        var store = SecretStoreFactory.Create(Run(), VaultEnvironment(stub));
        await store.SetAsync("db/app-password", "vault-secret-value");
        ((IDisposable)store).Dispose();

        Assert.That(stub.Requests[^1].Path, Is.EqualTo($"/v1/secret/data/platform/{Environment}/db/app-password"));
    }

    [Test]
    public async Task VaultClient_TakesTheSshSettings()
    {
        await using var stub = await VaultStub.StartAsync();
        WriteSettings("""{ "secrets": { "backend": "vault", "vault": { "sshRole": "ops-root" } } }""");

        using var client = SecretStoreFactory.CreateVaultClient(Run(), VaultEnvironment(stub));
        await client.SignSshKeyAsync(TestKeys.Ed25519PublicKey(), "root", TimeSpan.FromMinutes(30));

        Assert.That(stub.Requests[^1].Path, Is.EqualTo("/v1/ssh/sign/ops-root"));
    }

    // Every step of a run asks for the store (SeedKeys, MigrateDb, Verify ...): one AppRole login for them all, revoked at the end.
    [Test]
    [NonParallelizable]
    public async Task VaultBackend_OneLoginPerRun_RevokedWhenTheRunEnds()
    {
        await using var stub = await VaultStub.StartAsync();
        WriteSettings("""{ "secrets": { "backend": "vault" } }""");
        var saved = new[] { "VAULT_ADDR", "VAULT_TOKEN", "VAULT_ROLE_ID", "VAULT_SECRET_ID" }.ToDictionary(v => v, System.Environment.GetEnvironmentVariable);
        System.Environment.SetEnvironmentVariable("VAULT_ADDR", stub.Address.ToString());
        System.Environment.SetEnvironmentVariable("VAULT_TOKEN", null);
        System.Environment.SetEnvironmentVariable("VAULT_ROLE_ID", VaultStub.RoleId);
        System.Environment.SetEnvironmentVariable("VAULT_SECRET_ID", VaultStub.SecretId);
        try
        {
            var run = Run();
            await SecretStoreFactory.Create(run).SetAsync("db/app-password", "vault-secret-value");
            await SecretStoreFactory.Create(run).GetAsync("db/app-password");
            await SecretStoreFactory.CreateVaultClient(run).ReadKvAsync($"platform/{Environment}/db/app-password");

            await SecretStoreFactory.EndRunAsync(run);
            await SecretStoreFactory.Create(Run()).GetAsync("db/app-password");

            using (Assert.EnterMultipleScope())
            {
                Assert.That(stub.IssuedTokens, Has.Count.EqualTo(2), "one login for the first run's three uses, one for the next run");
                Assert.That(stub.Requests.Where(r => r.Path == "/v1/auth/token/revoke-self").Select(r => r.Token), Is.EqualTo(new[] { stub.IssuedTokens[0] }));
            }
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                System.Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    [Test]
    public void VaultBackend_WithoutTheVariables_NamesThem()
    {
        WriteSettings("""{ "secrets": { "backend": "vault" } }""");

        var error = Assert.Throws<PlatformException>(() => SecretStoreFactory.Create(Run(), _ => null));

        Assert.That(error!.Message, Does.Contain("VAULT_ADDR").And.Contain("VAULT_TOKEN"));
    }

    [Test]
    public void InvalidVaultSetting_NamesTheFileAndTheSetting()
    {
        WriteSettings("""{ "secrets": { "backend": "vault", "vault": { "mount": "a//b" } } }""");
        var run = Run();

        var error = Assert.Throws<PlatformException>(() => SecretStoreFactory.Create(run, name => name switch
        {
            "VAULT_ADDR" => "http://127.0.0.1:8200",
            "VAULT_TOKEN" => VaultStub.RootToken,
            _ => null,
        }));

        Assert.That(error!.Message, Does.StartWith($"{run.Layout.SettingsFile}: secrets.vault.mount is 'a//b'"));
    }

    private static Func<string, string?> VaultEnvironment(VaultStub stub) => name => name switch
    {
        "VAULT_ADDR" => stub.Address.ToString(),
        "VAULT_TOKEN" => VaultStub.RootToken,
        _ => null,
    };

    private RunContext Run() =>
        new(new EnvironmentLayout(_repo.Path, Environment), RunArguments.Empty, checkMode: false, _reporter);

    private void WriteSettings(string json) =>
        File.WriteAllText(Path.Combine(_repo.Path, "infra", Environment, "platform.json"), json);
}
