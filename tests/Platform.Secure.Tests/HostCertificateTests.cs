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
    private TestSshHost _sshHost = null!;

    [OneTimeSetUp]
    public async Task StartSshd() =>
        _sshHost = await TestSshHost.StartAsync("hostcert", "web-1", "app", configure: async (dir, hostKey, address) =>
        {
            // Signed for the host's address by a CA Platform does not know, valid in 2020 only.
            var ca = Path.Combine(dir, "host-ca");
            await SshKeygen.NewPairAsync(ca);
            await new CommandRunner(new RecordingReporter(), new SecretRedactor()).RunAsync("ssh-keygen", ["-q", "-s", ca, "-h", "-I", "throwaway-host", "-n", address, "-V", "20200101:20200102", hostKey + ".pub"]);
            return $"HostCertificate {hostKey}-cert.pub";
        });

    [OneTimeTearDown]
    public async Task StopSshd() => await _sshHost.DisposeAsync();

    private InventoryHost Host(string pin) => _sshHost.Host with { HostKeyFingerprint = pin };

    [Test]
    public async Task A_host_with_a_host_certificate_is_taken_by_its_pinned_plain_key()
    {
        await using var session = await _sshHost.OpenAsync();

        Assert.That((await session.RunCheckedAsync("echo in", "echo")).Trim(), Is.EqualTo("in"));
        Assert.That(session.Negotiated, Does.EndWith(", ssh-ed25519"), "the plain host key, not the certificate");
    }

    [Test]
    public async Task Its_certificate_never_stands_in_for_the_pin()
    {
        var other = "SHA256:" + new string('A', 43);

        var refused = await Assert.ThrowsAsync<HostKeyMismatchException>(() => HostSession.OpenAsync(Host(other), _sshHost.Connector));

        Assert.That(refused!.Actual, Is.EqualTo(_sshHost.Host.HostKeyFingerprint));
    }
}
