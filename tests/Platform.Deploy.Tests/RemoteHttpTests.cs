using System.Text;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

public sealed class RemoteHttpTests
{
    [Test]
    public void An_answer_reads_as_its_status_and_body_and_no_answer_as_such()
    {
        Assert.That(RemoteHttp.Describe(503, " {\"status\":\"not ready\"}\n"), Is.EqualTo("answered 503 {\"status\":\"not ready\"}"));
        Assert.That(RemoteHttp.Describe(404, string.Empty), Is.EqualTo("answered 404"));
        Assert.That(RemoteHttp.Describe(0, string.Empty), Does.StartWith("got no answer (no process listening"));
    }

    // Asked from the node itself, through a relay on its real sshd: the request as the slot sees it, its answer, and nothing left running.
    [Test]
    [Category("Integration")]
    public async Task A_slot_is_asked_through_a_relay_on_its_node_and_its_answer_read()
    {
        string? seen = null;
        await using var slot = new LoopbackServer(async (stream, _, stop) =>
        {
            seen = await LoopbackServer.ReadRequestAsync(stream, stop);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 22\r\nConnection: close\r\n\r\n{\"release\":\"1.2.0-rc\"}"), stop);
        });
        await using var host = await TestSshHost.StartAsync("remotehttp", "web-1", "app");
        await using var session = await host.OpenAsync();
        var node = new NodeSession(session, new NodeLayout(host.Host with { Address = "127.0.0.1" }));

        var (status, body) = await RemoteHttp.GetAsync(node, slot.Port, "/version", CancellationToken.None);

        Assert.That((status, RemoteHttp.ReleaseIn(body)), Is.EqualTo((200, "1.2.0-rc")));
        Assert.That(seen, Does.StartWith("GET /version HTTP/1.1\r\n").And.Contain($"Host: 127.0.0.1:{slot.Port}\r\n").And.Contain("User-Agent: Platform/1.0"));
        await Poll.UntilAsync(async () => !await RelayProcesses.RunningToAsync(slot.Port), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50), "a relay process outlived the request");
    }

    // The roll opens the check's connection while traffic moves; a slot may close it before the check comes (a long drain).
    [Test]
    [Category("Integration")]
    public async Task A_connection_opened_ahead_is_used_and_one_gone_stale_is_replaced()
    {
        var answered = 0;
        await using var slot = new LoopbackServer(async (stream, n, stop) =>
        {
            if (n == 0)
            {
                return; // the first connection: closed unused, as Kestrel closes one that sends no request in time
            }

            await LoopbackServer.ReadRequestAsync(stream, stop);
            answered++;
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\n{\"release\":\"1.2.0\"}"), stop);
        });
        await using var host = await TestSshHost.StartAsync("remotehttp-ahead", "web-1", "app");
        await using var session = await host.OpenAsync();
        var node = new NodeSession(session, new NodeLayout(host.Host with { Address = "127.0.0.1" }));

        var stale = RemoteHttp.ConnectAsync(node, slot.Port, CancellationToken.None);
        await Task.Delay(200); // the stand-in has closed it by now
        var (status, body) = await RemoteHttp.GetAsync(node, slot.Port, "/version", CancellationToken.None, stale);
        var ahead = RemoteHttp.ConnectAsync(node, slot.Port, CancellationToken.None);
        var again = await RemoteHttp.GetAsync(node, slot.Port, "/version", CancellationToken.None, ahead);

        Assert.That((status, RemoteHttp.ReleaseIn(body)), Is.EqualTo((200, "1.2.0")), "asked again on a fresh connection");
        Assert.That(again.Status, Is.EqualTo(200));
        Assert.That(answered, Is.EqualTo(2), "connections 1 (fresh) and 2 (opened ahead, then used)");
    }

    [Test]
    [Category("Integration")]
    public async Task A_slot_nothing_listens_on_is_no_answer()
    {
        using var closed = new ClosedPort();
        await using var host = await TestSshHost.StartAsync("remotehttp-closed", "web-1", "app");
        await using var session = await host.OpenAsync();
        var node = new NodeSession(session, new NodeLayout(host.Host with { Address = "127.0.0.1" }));

        var (status, body) = await RemoteHttp.GetAsync(node, closed.Port, "/version", CancellationToken.None);

        Assert.That((status, body), Is.EqualTo((0, string.Empty)));
    }
}
