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

        public List<string> Received { get; } = [];

        public static FakeCli Start(int closeAfterCommands) => new(closeAfterCommands);

        public SshRuntimeApiChannel Channel() => new("lb", $"127.0.0.1:{_server.Port}", (_, port) => port);

        public ValueTask DisposeAsync() => _server.DisposeAsync();

        private async Task ConverseAsync(NetworkStream stream, CancellationToken stop)
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
