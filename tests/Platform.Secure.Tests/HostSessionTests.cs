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
    private TestSshHost _sshHost = null!;

    [OneTimeSetUp]
    public async Task StartSshd() => _sshHost = await TestSshHost.StartAsync("hostsession", "web-2", "app", "MaxSessions 1");

    [OneTimeTearDown]
    public async Task StopSshd() => await _sshHost.DisposeAsync();

    [Test]
    public async Task A_refused_channel_names_the_host()
    {
        await using var session = await _sshHost.OpenAsync();
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
        await using var session = await _sshHost.OpenAsync();
        var (busy, release) = await StartBusyAsync(session);

        var refused = await Assert.ThrowsAsync<PlatformException>(() => session.RunCheckedAsync("true", "reading the slot's pid"));
        File.Create(release).Dispose();

        Assert.That(refused!.Message, Does.StartWith("web-2: reading the slot's pid failed: "));
        await busy;
    }

    // sshd ends the whole connection on a protocol error (data that crossed a relay's close), a network may drop it:
    // a relay (which may be started again) gets through at once, on a connection opened anew; a command that failed on
    // the lost connection is not run again, and the next one gets through.
    [Test]
    public async Task A_lost_connection_is_opened_again_for_the_next_relay_and_the_next_command()
    {
        await using var session = await _sshHost.OpenAsync();
        Assert.That((await session.RunAsync("echo before")).StandardOutput, Is.EqualTo("before\n"));

        _sshHost.DropConnections();
        await using (var pipe = await session.OpenPipeAsync("cat"))
        {
            await pipe.WriteAsync("relayed\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await pipe.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.That(System.Text.Encoding.ASCII.GetString(buffer, 0, read), Is.EqualTo("relayed\n"));
        }

        _sshHost.DropConnections();
        try
        {
            // SSH.NET sees a silent drop only once it sends: this command may fail, and is not run again.
            await session.RunAsync("true");
        }
        catch (PlatformException lost)
        {
            Assert.That(lost.Message, Does.StartWith("web-2: "));
        }

        Assert.That((await session.RunAsync("echo after")).StandardOutput, Is.EqualTo("after\n"));
    }

    // One command that holds the connection's only session from the moment it is seen running (its
    // marker file) until the test lets it go (the release file, at most 30 s): the next channel is refused
    // for certain rather than by timing.
    private async Task<(Task<RemoteResult> Busy, string Release)> StartBusyAsync(HostSession session)
    {
        var marker = Path.Combine(_sshHost.Dir, $"busy-{Guid.NewGuid():N}");
        var release = marker + ".release";
        var busy = session.RunAsync($"touch {ShellQuote.Quote(marker)}; for i in $(seq 600); do [ -e {ShellQuote.Quote(release)} ] && exit 0; sleep 0.05; done; exit 1");
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(marker)), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20), "the busy command never started");
        return (busy, release);
    }
}
