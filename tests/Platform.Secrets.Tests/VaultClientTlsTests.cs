using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secrets.Tests;

/// <summary>The stub over HTTPS with a certificate from a CA made in the test: trusted only through VAULT_CACERT.</summary>
[TestFixture]
public sealed class VaultClientTlsTests
{
    private ScratchFolder _scratch = null!;
    private RecordingReporter _reporter = null!;

    [SetUp]
    public void CreateScratch()
    {
        _scratch = ScratchFolder.Create("tls");
        _reporter = new RecordingReporter();
    }

    [TearDown]
    public void RemoveScratch() => _scratch.Dispose();

    [Test]
    public async Task CertificateFromTheGivenCa_IsTrusted()
    {
        using var certificates = TestCertificates.Create();
        await using var stub = await VaultStub.StartAsync(certificates.Server);

        using var client = new VaultClient(Options(stub) with { CaCertFile = WriteCa(certificates) }, _reporter);

        Assert.That(await client.ListKvAsync("app"), Is.Empty);
        Assert.That(stub.Address.Scheme, Is.EqualTo("https"));
    }

    [Test]
    public async Task WithoutTheCa_TheCertificateIsRefused_WithoutRetrying()
    {
        using var certificates = TestCertificates.Create();
        await using var stub = await VaultStub.StartAsync(certificates.Server);
        using var client = new VaultClient(Options(stub), _reporter);

        var error = await Assert.ThrowsAsync<VaultUnavailableException>(() => client.ListKvAsync("app"));

        Assert.That(error!.Message, Does.Contain("certificate was not accepted").And.Contain("VAULT_CACERT"));
        Assert.That(stub.Requests, Is.Empty);
        Assert.That(_reporter.Text, Does.Not.Contain("retrying"));
    }

    [Test]
    public async Task AnotherCa_DoesNotMakeTheCertificateTrusted()
    {
        using var certificates = TestCertificates.Create();
        using var unrelated = TestCertificates.Create();
        await using var stub = await VaultStub.StartAsync(certificates.Server);
        using var client = new VaultClient(Options(stub) with { CaCertFile = WriteCa(unrelated) }, _reporter);

        await Assert.ThrowsAsync<VaultUnavailableException>(() => client.ListKvAsync("app"));
    }

    [Test]
    public async Task TheCa_DoesNotExcuseAWrongHostName()
    {
        using var certificates = TestCertificates.Create("vault.example");
        await using var stub = await VaultStub.StartAsync(certificates.Server);
        using var client = new VaultClient(Options(stub) with { CaCertFile = WriteCa(certificates) }, _reporter);

        var error = await Assert.ThrowsAsync<VaultUnavailableException>(() => client.ListKvAsync("app"));
        Assert.That(error!.Message, Does.Contain("valid for the host in VAULT_ADDR"));
    }

    [Test]
    public async Task SkipVerify_Connects_ButWarns()
    {
        using var certificates = TestCertificates.Create();
        await using var stub = await VaultStub.StartAsync(certificates.Server);

        using var client = new VaultClient(Options(stub) with { SkipVerify = true }, _reporter);

        Assert.That(await client.ListKvAsync("app"), Is.Empty);
        Assert.That(_reporter.Lines, Has.One.StartsWith("WARN VAULT_SKIP_VERIFY is set"));
    }

    [Test]
    public void UnreadableCaFile_NamesTheVariable()
    {
        var missing = Path.Combine(_scratch.Path, "missing.pem");
        var notPem = Path.Combine(_scratch.Path, "not.pem");
        File.WriteAllText(notPem, "hello");

        var options = new VaultOptions { Address = new Uri("https://127.0.0.1:8200"), Token = VaultStub.RootToken };
        Assert.That(() => new VaultClient(options with { CaCertFile = missing }, _reporter),
            Throws.InstanceOf<PlatformException>().With.Message.Contains($"VAULT_CACERT={missing}"));
        Assert.That(() => new VaultClient(options with { CaCertFile = notPem }, _reporter),
            Throws.InstanceOf<PlatformException>().With.Message.Contains("holds no PEM certificate"));
    }

    private static VaultOptions Options(VaultStub stub) => new()
    {
        Address = stub.Address,
        Token = VaultStub.RootToken,
        Retry = new VaultRetryPolicy { Delay = (_, _) => Task.CompletedTask },
    };

    private string WriteCa(TestCertificates certificates)
    {
        var file = Path.Combine(_scratch.Path, $"ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(file, certificates.AuthorityPem);
        return file;
    }
}
