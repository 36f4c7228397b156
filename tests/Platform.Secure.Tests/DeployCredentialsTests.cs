using Platform.Core;
using Platform.Secrets;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

public sealed class DeployCredentialsTests
{
    private string _root = null!;
    private RecordingReporter _reporter = null!;
    private RunContext _run = null!;
    private DeployIdentity _identity = null!;
    private LocalCertificateAuthority _ca = null!;

    [SetUp]
    public async Task MakeEnvironment()
    {
        _root = RepositoryRoot.NewScratch("deploycreds");
        Directory.CreateDirectory(Path.Combine(_root, "infra", "certs"));
        await File.WriteAllTextAsync(Path.Combine(_root, "infra", "certs", "platform.json"), "{}");
        _reporter = new RecordingReporter();
        _run = RunContext.FromArguments(_root, RunArguments.From(new Dictionary<string, string> { ["environment"] = "certs" }), false, _reporter);
        _identity = DeployIdentity.Load((await SshKeygen.NewKeyAsync(_root, "id_ed25519")).PrivateFile);
        _ca = new LocalCertificateAuthority(new FileSecretStore(Path.Combine(_root, "secrets")), _run.Commands, Path.Combine(_root, "keys"));
    }

    [TearDown]
    public void Remove() => RepositoryRoot.RemoveScratch(_root);

    private Task<SshCredentials> ResolveAsync(ISshCertificateSigner signer) =>
        DeployCredentials.ResolveAsync(_run, _identity, new SshCertificates(true, TimeSpan.FromMinutes(30)), () => signer, "root");

    [Test]
    public async Task The_local_ca_s_certificate_is_written_without_a_warning()
    {
        var credentials = await ResolveAsync(_ca);

        Assert.That(await File.ReadAllTextAsync(credentials.CertificateFile!), Does.StartWith("ssh-ed25519-cert-v01@openssh.com "));
        Assert.That(_reporter.Text, Does.Not.Contain("WARN"));
    }

    // Vault's SSH role backdates by not_before_duration, 30 s unless set: the run says what to set.
    [Test]
    public async Task A_certificate_backdated_by_seconds_only_is_warned_about_naming_the_vault_setting()
    {
        await ResolveAsync(new WindowSigner(_ca, "-30s"));

        Assert.That(_reporter.Text, Does.Contain("WARN").And.Contain("not_before_duration=5m"));
    }

    [Test]
    public async Task A_certificate_that_cannot_be_read_is_refused_clearly()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => ResolveAsync(new WindowSigner(_ca, null)));

        Assert.That(error!.Message, Does.Contain("certificate cannot be read"));
    }

    // Signs through the local CA with the validity start given (as Vault's role would set it); null returns a line no SSH client reads.
    private sealed class WindowSigner(LocalCertificateAuthority ca, string? validFrom) : ISshCertificateSigner
    {
        public Task<OpenSshPublicKey> PublicKeyAsync(CancellationToken cancellation = default) => ca.PublicKeyAsync(cancellation);

        public async Task<string> SignAsync(OpenSshPublicKey key, string principal, TimeSpan ttl, string identity, CancellationToken cancellation = default) =>
            validFrom is null
                ? "ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAstub"
                : await ca.SignAsync(key, principal, validFrom, "+30m", identity, cancellation);
    }
}
