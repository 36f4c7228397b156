using System.Diagnostics;
using System.Net.Sockets;
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
    private Process _sshd = null!;
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
        await File.WriteAllTextAsync(Path.Combine(_dir, "authorized_keys"), client.Public + "\n");
        var config = Path.Combine(_dir, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            ListenAddress {_range.Address(5)}:{Port}
            HostKey {hostKey}
            HostCertificate {hostKey}-cert.pub
            AuthorizedKeysFile {_dir}/authorized_keys
            PidFile {_dir}/sshd.pid
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no

            """);
        _sshd = Process.Start(new ProcessStartInfo(ToolLocator.Find("sshd") ?? "/usr/sbin/sshd", ["-D", "-E", Path.Combine(_dir, "sshd.log"), "-f", config]))!;
        await WaitUntilListeningAsync();
    }

    [OneTimeTearDown]
    public void StopSshd()
    {
        if (_sshd is not null)
        {
            _sshd.Kill(entireProcessTree: true);
            _sshd.WaitForExit();
            _sshd.Dispose();
        }

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

    // sshd binds its address before it answers; polled rather than slept, and bounded so a broken sshd fails the fixture.
    private async Task WaitUntilListeningAsync()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_sshd.HasExited)
            {
                throw new InvalidOperationException($"sshd exited: {await File.ReadAllTextAsync(Path.Combine(_dir, "sshd.log"))}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(_range.Address(5), Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"sshd did not listen on {_range.Address(5)}:{Port}");
    }
}
