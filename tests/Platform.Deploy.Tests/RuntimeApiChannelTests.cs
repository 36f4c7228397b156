using System.Net.Sockets;
using System.Net;
using System.Text;
using Platform.Core;
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
        using var channel = new SshRuntimeApiChannel("lb", $"127.0.0.1:{port}", (_, p) => p);

        var error = await Assert.ThrowsAsync<PlatformException>(() => channel.SendAsync(["show stat"], CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith($"lb: HAProxy's runtime API at 127.0.0.1:{port} does not answer"));
    }

    /// <summary>HAProxy's CLI in miniature: "prompt" turns on interactive mode; it closes after some commands.</summary>
    private sealed class FakeCli : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly int _closeAfterCommands;
        private Task _serving = Task.CompletedTask;

        private FakeCli(int closeAfterCommands) => _closeAfterCommands = closeAfterCommands;

        public int Connections { get; private set; }

        public List<string> Received { get; } = [];

        public static FakeCli Start(int closeAfterCommands)
        {
            var cli = new FakeCli(closeAfterCommands);
            cli._listener.Start();
            cli._serving = cli.ServeAsync();
            return cli;
        }

        public SshRuntimeApiChannel Channel() => new("lb", $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}", (_, port) => port);

        private async Task ServeAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Connections++;
                    await ConverseAsync(client.GetStream());
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException || (ex is InvalidOperationException or SocketException && _stop.IsCancellationRequested))
            {
                // Stopped: the listener may be closed before the next accept sees the cancellation.
            }
        }

        private async Task ConverseAsync(NetworkStream stream)
        {
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var commands = 0;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                Received.Add(line);
                if (line == "show stat")
                {
                    // In two pieces, as a long answer may arrive.
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(Stat[..10]), _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                    await Task.Delay(20, _stop.Token);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(Stat[10..] + "\n> "), _stop.Token);
                }
                else
                {
                    await stream.WriteAsync("\n> "u8.ToArray(), _stop.Token);
                }

                if (line != "prompt" && ++commands >= _closeAfterCommands)
                {
                    return;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _serving;
            _stop.Dispose();
        }
    }
}
