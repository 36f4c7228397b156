using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

/// <summary>
/// A host whose sshd also presents a host certificate (<c>HostCertificate</c>, signed by a CA Platform
/// does not know, and expired, as a certificate nobody renews becomes): the pinned plain host key alone
/// decides, so the host is taken when its key is the pinned one and refused as a mismatch when it is not.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class HostCertificateTests
{
    private const int Port = 2222;

    private LoopbackRange _range = null!;
    private string _dir = null!;
    private TestSshd? _sshd;
    private string _hostKeyFingerprint = null!;
    private string _clientKey = null!;

    [OneTimeSetUp]
    public async Task StartSshd()
    {
        _range = LoopbackRange.Acquire();
        _dir = RepositoryRoot.NewScratch("hostcert");
        var commands = new CommandRunner(new RecordingReporter(), new SecretRedactor());
        var hostKey = Path.Combine(_dir, "host");
        var ca = Path.Combine(_dir, "host-ca");
        await SshKeygen.NewPairAsync(hostKey);
        await SshKeygen.NewPairAsync(ca);
        await commands.RunAsync("ssh-keygen", ["-q", "-s", ca, "-h", "-I", "throwaway-host", "-n", _range.Address(5), "-V", "20200101:20200102", hostKey + ".pub"]);
        _hostKeyFingerprint = OpenSshPublicKey.Parse(await File.ReadAllTextAsync(hostKey + ".pub"), "host.pub").Fingerprint;
        var client = await SshKeygen.NewKeyAsync(_dir, "client");
        _clientKey = client.PrivateFile;
        _sshd = await TestSshd.StartAsync(_dir, _range.Address(5), Port, hostKey, client.Public + "\n", $"HostCertificate {hostKey}-cert.pub");
    }

    [OneTimeTearDown]
    public void StopSshd()
    {
        _sshd?.Dispose();
        RepositoryRoot.RemoveScratch(_dir);
        _range.Dispose();
    }

    private InventoryHost Host(string pin) => new()
    {
        Name = "web-1", Roles = ["app"], Address = _range.Address(5), SshPort = Port, SshUser = Environment.UserName, HostKeyFingerprint = pin, BaseDir = "/srv",
    };

    [Test]
    public async Task A_host_with_a_host_certificate_is_taken_by_its_pinned_plain_key()
    {
        await using var session = await HostSession.OpenAsync(Host(_hostKeyFingerprint), new SshConnector(new SshCredentials(_clientKey)));

        Assert.That((await session.RunCheckedAsync("echo in", "echo")).Trim(), Is.EqualTo("in"));
        Assert.That(session.Negotiated, Does.EndWith(", ssh-ed25519"), "the plain host key, not the certificate");
    }

    [Test]
    public async Task Its_certificate_never_stands_in_for_the_pin()
    {
        var other = "SHA256:" + new string('A', 43);

        var refused = await Assert.ThrowsAsync<HostKeyMismatchException>(() => HostSession.OpenAsync(Host(other), new SshConnector(new SshCredentials(_clientKey))));

        Assert.That(refused!.Actual, Is.EqualTo(_hostKeyFingerprint));
    }
}
