using System.Net.Sockets;
using System.Net;
using System.Text;
using Platform.Core;
using Platform.Secure;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

/// <summary>
/// The runtime API conversation against a stand-in that talks like HAProxy's CLI in interactive
/// mode: answers end with a "> " prompt, may arrive in pieces, and the connection may be closed
/// while idle (HAProxy's stats timeout). The real HAProxy is exercised by the zero-downtime tests.
/// </summary>
public sealed class RuntimeApiChannelTests
{
    private const string Stat = "# pxname,svname,status\ncatalog,web-1_8081,UP\n";

    [Test]
    public async Task Answers_are_split_at_the_prompt_and_one_connection_serves_every_call()
    {
        await using var cli = FakeCli.Start(closeAfterCommands: int.MaxValue);
        using var channel = cli.Channel();

        var stat = await channel.SendAsync(["show stat"], CancellationToken.None);
        var sets = await channel.SendAsync(["set server catalog/web-1_8081 state drain", "set server catalog/web-1_8081 state maint"], CancellationToken.None);
        var again = await channel.SendAsync(["show stat"], CancellationToken.None);

        Assert.That(stat, Is.EqualTo(Stat + "\n"));
        Assert.That(sets, Is.EqualTo("\n\n"));
        Assert.That(again, Is.EqualTo(stat));
        Assert.That(cli.Connections, Is.EqualTo(1));
        Assert.That(cli.Received, Is.EqualTo(new[] { "prompt", "show stat", "set server catalog/web-1_8081 state drain", "set server catalog/web-1_8081 state maint", "show stat" }));
    }

    [Test]
    public async Task A_connection_closed_while_idle_is_reopened_and_the_call_sent_again()
    {
        await using var cli = FakeCli.Start(closeAfterCommands: 1);
        using var channel = cli.Channel();

        await channel.SendAsync(["show stat"], CancellationToken.None);
        var second = await channel.SendAsync(["show stat"], CancellationToken.None);

        Assert.That(second, Is.EqualTo(Stat + "\n"));
        Assert.That(cli.Connections, Is.EqualTo(2));
    }

    [Test]
    public async Task Nothing_listening_is_a_clear_error_naming_the_host_and_endpoint()
    {
        using var closed = new ClosedPort();
        var port = closed.Port;
        using var channel = new SshRuntimeApiChannel("lb", $"127.0.0.1:{port}", ConnectAsync);

        var error = await Assert.ThrowsAsync<PlatformException>(() => channel.SendAsync(["show stat"], CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith($"lb: HAProxy's runtime API at 127.0.0.1:{port} does not answer"));
    }

    // The address goes into a shell script on the lb host.
    [TestCase("127.0.0.1;reboot:9999")]
    [TestCase("$(id):9999")]
    [TestCase("::1%x;reboot;:9999")]
    [TestCase("127.0.0.1:99999")]
    [TestCase("9999")]
    public void A_runtime_api_endpoint_that_is_not_address_and_port_is_refused_before_anything_is_sent(string endpoint)
    {
        var connected = false;
        using var channel = new SshRuntimeApiChannel("lb", endpoint, (_, _, _) => { connected = true; return Task.FromResult<Stream>(new MemoryStream()); });

        Assert.That(() => channel.SendAsync(["show stat"], CancellationToken.None), Throws.TypeOf<PlatformException>().With.Message.StartsWith($"loadBalancer.runtimeApi '{endpoint}' in the inventory is not address:port"));
        Assert.That(connected, Is.False);
    }

    // The real relay: a bash on a real sshd's host between the SSH channel and the stand-in, no port opened here.
    [Test]
    [Category("Integration")]
    public async Task Through_the_lb_hosts_relay_the_conversation_holds_and_an_idle_close_is_survived()
    {
        await using var cli = FakeCli.Start(closeAfterCommands: 2);
        await using var lb = await RelayHost.StartAsync();
        string first, second;
        using (var channel = new SshRuntimeApiChannel(lb.Session, $"127.0.0.1:{cli.Port}"))
        {
            first = await channel.SendAsync(["show stat", "set server catalog/web-1_8081 state drain"], CancellationToken.None);
            second = await channel.SendAsync(["show stat"], CancellationToken.None);
        }

        Assert.That(first, Is.EqualTo(Stat + "\n\n"));
        Assert.That(second, Is.EqualTo(Stat + "\n"), "asked again on a new connection after the stand-in closed the first");
        Assert.That(cli.Connections, Is.EqualTo(2));
        await Poll.UntilAsync(() => Task.FromResult(cli.Ended == 2), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20), "the relay's connection stayed open after the channel was disposed");
        await Poll.UntilAsync(async () => !await RelayProcesses.RunningToAsync(cli.Port), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50), "a relay process outlived the channel");
    }

    [Test]
    [Category("Integration")]
    public async Task Through_the_lb_hosts_relay_nothing_listening_is_said_as_such()
    {
        using var closed = new ClosedPort();
        await using var lb = await RelayHost.StartAsync();
        using var channel = new SshRuntimeApiChannel(lb.Session, $"127.0.0.1:{closed.Port}");

        var error = await Assert.ThrowsAsync<PlatformException>(() => channel.SendAsync(["show stat"], CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo($"lb: HAProxy's runtime API at 127.0.0.1:{closed.Port} does not answer (connection refused). Is HAProxy running (Apply)?"));
    }

    /// <summary>A real sshd on a loopback address of its own, with a session to it as the lb host.</summary>
    private sealed class RelayHost : IAsyncDisposable
    {
        private readonly TestSshHost _host;

        private RelayHost(TestSshHost host, HostSession session)
        {
            _host = host;
            Session = session;
        }

        public HostSession Session { get; }

        public static async Task<RelayHost> StartAsync()
        {
            var host = await TestSshHost.StartAsync("relay", "lb", "lb");
            try
            {
                return new RelayHost(host, await host.OpenAsync());
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Session.DisposeAsync();
            await _host.DisposeAsync();
        }
    }

    // Straight to the stand-in over TCP, where the real channel relays through the lb host's SSH session.
    private static async Task<Stream> ConnectAsync(string address, int port, CancellationToken cancellation)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(address, port, cancellation);
            return new NetworkStream(client.Client, ownsSocket: true);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>HAProxy's CLI in miniature: "prompt" turns on interactive mode; it closes after some commands.</summary>
    private sealed class FakeCli : IAsyncDisposable
    {
        private readonly int _closeAfterCommands;
        private readonly LoopbackServer _server;

        private FakeCli(int closeAfterCommands)
        {
            _closeAfterCommands = closeAfterCommands;
            _server = new((stream, n, stop) =>
            {
                Connections = n + 1;
                return ConverseAsync(stream, stop);
            });
        }

        public int Connections { get; private set; }

        /// <summary>Connections whose client has gone (or that the stand-in closed).</summary>
        public int Ended { get; private set; }

        public int Port => _server.Port;

        public List<string> Received { get; } = [];

        public static FakeCli Start(int closeAfterCommands) => new(closeAfterCommands);

        public SshRuntimeApiChannel Channel() => new("lb", $"127.0.0.1:{_server.Port}", ConnectAsync);

        public ValueTask DisposeAsync() => _server.DisposeAsync();

        private async Task ConverseAsync(NetworkStream stream, CancellationToken stop)
        {
            try
            {
                await AnswerAsync(stream, stop);
            }
            finally
            {
                Ended++;
            }
        }

        private async Task AnswerAsync(NetworkStream stream, CancellationToken stop)
        {
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var commands = 0;
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                Received.Add(line);
                if (line == "show stat")
                {
                    // In two pieces, as a long answer may arrive.
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(Stat[..10]), stop);
                    await stream.FlushAsync(stop);
                    await Task.Delay(20, stop);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(Stat[10..] + "\n> "), stop);
                }
                else
                {
                    await stream.WriteAsync("\n> "u8.ToArray(), stop);
                }

                if (line != "prompt" && ++commands >= _closeAfterCommands)
                {
                    return;
                }
            }
        }
    }
}
