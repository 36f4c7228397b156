using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

/// <summary>
/// Commands on a real sshd that allows one session per connection (<c>MaxSessions 1</c>): while one
/// command runs, sshd refuses the channel of the next, and that SSH failure must name the host (and,
/// for a checked command, its step) instead of surfacing as SSH.NET's bare message.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class HostSessionTests
{
    private const int Port = 2222;

    private LoopbackRange _range = null!;
    private string _dir = null!;
    private TestSshd? _sshd;
    private InventoryHost _host = null!;
    private SshConnector _connector = null!;

    [OneTimeSetUp]
    public async Task StartSshd()
    {
        (_range, _dir) = LoopbackRange.AcquireWithScratch("hostsession");
        var hostKey = Path.Combine(_dir, "host");
        await SshKeygen.NewPairAsync(hostKey);
        var client = await SshKeygen.NewKeyAsync(_dir, "client");
        _sshd = await TestSshd.StartAsync(_dir, _range.Address(6), Port, hostKey, client.Public + "\n", "MaxSessions 1");
        _host = new InventoryHost
        {
            Name = "web-2", Roles = ["app"], Address = _range.Address(6), SshPort = Port, SshUser = Environment.UserName, BaseDir = "/srv",
            HostKeyFingerprint = OpenSshPublicKey.Parse(await File.ReadAllTextAsync(hostKey + ".pub"), "host.pub").Fingerprint,
        };
        _connector = new SshConnector(new SshCredentials(client.PrivateFile));
    }

    [OneTimeTearDown]
    public void StopSshd()
    {
        _sshd?.Dispose();
        RepositoryRoot.RemoveScratch(_dir);
        _range.Dispose();
    }

    [Test]
    public async Task A_refused_channel_names_the_host()
    {
        await using var session = await HostSession.OpenAsync(_host, _connector);
        var (busy, release) = await StartBusyAsync(session);

        var refused = await Assert.ThrowsAsync<PlatformException>(() => session.RunAsync("true"));
        File.Create(release).Dispose();

        Assert.That(refused!.Message, Does.StartWith("web-2: a command could not run over SSH ("));
        Assert.That(refused.InnerException, Is.InstanceOf<Renci.SshNet.Common.SshException>());
        Assert.That((await busy).Succeeded, Is.True, "the running command is not disturbed");
    }

    [Test]
    public async Task A_refused_checked_command_names_the_host_and_its_step()
    {
        await using var session = await HostSession.OpenAsync(_host, _connector);
        var (busy, release) = await StartBusyAsync(session);

        var refused = await Assert.ThrowsAsync<PlatformException>(() => session.RunCheckedAsync("true", "reading the slot's pid"));
        File.Create(release).Dispose();

        Assert.That(refused!.Message, Does.StartWith("web-2: reading the slot's pid failed: "));
        await busy;
    }

    // One command that holds the connection's only session from the moment it is seen running (its
    // marker file) until the test lets it go (the release file, at most 30 s): the next channel is refused
    // for certain rather than by timing.
    private async Task<(Task<RemoteResult> Busy, string Release)> StartBusyAsync(HostSession session)
    {
        var marker = Path.Combine(_dir, $"busy-{Guid.NewGuid():N}");
        var release = marker + ".release";
        var busy = session.RunAsync($"touch {ShellQuote.Quote(marker)}; for i in $(seq 600); do [ -e {ShellQuote.Quote(release)} ] && exit 0; sleep 0.05; done; exit 1");
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(marker)), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20), "the busy command never started");
        return (busy, release);
    }
}
