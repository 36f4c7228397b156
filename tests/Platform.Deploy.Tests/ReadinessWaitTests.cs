using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using System.Text;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

/// <summary>The readiness wait's script, run by this machine's bash against a stand-in slot on 127.0.0.1.</summary>
public sealed class ReadinessWaitTests
{
    private const int DeadPid = 999_999_999;

    [Test]
    public async Task Ready_once_the_slot_answers_200_asking_with_the_slots_host()
    {
        await using var slot = new StandInSlot(["503 Service Unavailable", "503 Service Unavailable", "200 OK"]);

        var (ready, detail) = ReadinessWait.Parse(await RunAsync(slot.Port, Environment.ProcessId, TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(10));

        Assert.That(ready, Is.True, detail);
        Assert.That(slot.Requests, Has.Count.EqualTo(3));
        Assert.That(slot.Requests[0], Does.StartWith("GET /health/ready HTTP/1.0\r\n").And.Contain($"Host: 127.0.0.1:{slot.Port}\r\n"));
    }

    [Test]
    public async Task Asked_from_another_host_there_is_no_process_to_watch_only_the_answer()
    {
        await using var slot = new StandInSlot(["503 Service Unavailable", "200 OK"]);
        await using var silent = new StandInSlot(["503 Service Unavailable"], "starting");

        var ready = ReadinessWait.Parse((await LocalTools.BashAsync(ReadinessWait.Script("127.0.0.1", slot.Port, pid: null, TimeSpan.FromSeconds(10)))).Output, TimeSpan.FromSeconds(10));
        var notReady = ReadinessWait.Parse((await LocalTools.BashAsync(ReadinessWait.Script("127.0.0.1", silent.Port, pid: null, TimeSpan.FromSeconds(1.5)))).Output, TimeSpan.FromSeconds(1.5));

        Assert.That(ready, Is.EqualTo((true, "ready")));
        Assert.That(notReady, Is.EqualTo((false, "not ready after 1.5 s: 503 Service Unavailable starting")));
    }

    [Test]
    public async Task A_slot_that_stays_unready_times_out_naming_its_last_answer()
    {
        await using var slot = new StandInSlot(["503 Service Unavailable"], "{\"status\":\"not ready\",\n\"reason\":\"schema 2 is behind the required 4\"}");

        var (ready, detail) = ReadinessWait.Parse(await RunAsync(slot.Port, Environment.ProcessId, TimeSpan.FromSeconds(1.5)), TimeSpan.FromSeconds(1.5));

        Assert.That(ready, Is.False);
        Assert.That(detail, Is.EqualTo("not ready after 1.5 s: 503 Service Unavailable {\"status\":\"not ready\", \"reason\":\"schema 2 is behind the required 4\"}"));
    }

    [Test]
    public async Task Nothing_listening_times_out_with_no_answer()
    {
        using var closed = new ClosedPort();

        var (ready, detail) = ReadinessWait.Parse(await RunAsync(closed.Port, Environment.ProcessId, TimeSpan.FromMilliseconds(200)), TimeSpan.FromMilliseconds(200));

        Assert.That(ready, Is.False);
        Assert.That(detail, Is.EqualTo("not ready after 0.2 s: no answer"));
    }

    [Test]
    public async Task A_slot_that_accepts_and_never_answers_is_given_up_at_the_timeout_not_after_its_reads()
    {
        // The kernel accepts connections on the listener's backlog; nothing ever answers them.
        var hung = new TcpListener(IPAddress.Loopback, 0);
        hung.Start();
        try
        {
            var (ready, detail) = ReadinessWait.Parse(await RunAsync(((IPEndPoint)hung.LocalEndpoint).Port, Environment.ProcessId, TimeSpan.FromMilliseconds(500)), TimeSpan.FromMilliseconds(500));

            Assert.That(ready, Is.False);
            Assert.That(detail, Does.StartWith("not ready after 0.5 s"));
            // Its one check's reads used up the 0.5 s. Counting checks instead, each waiting up to 2 s
            // per read, it went on connecting for minutes.
            var connections = 0;
            while (hung.Pending())
            {
                using var accepted = hung.AcceptTcpClient();
                connections++;
            }

            Assert.That(connections, Is.InRange(1, 2));
        }
        finally
        {
            hung.Stop();
        }
    }

    [Test]
    public async Task A_process_that_died_ends_the_wait_at_once()
    {
        using var closed = new ClosedPort();

        var output = await RunAsync(closed.Port, DeadPid, TimeSpan.FromSeconds(30));

        // No progress dot before it: the first check saw the process gone, not the 30 s timeout.
        Assert.That(output, Is.EqualTo("died\n"));
        Assert.That(ReadinessWait.Parse(output, TimeSpan.FromSeconds(30)), Is.EqualTo((false, "died: the process exited before it was ready (if its log says the release's files are damaged, remove that release's folder under releases/ on the node: the next roll uploads it anew)")));
    }

    [TestCase(2.0, 200, 20)]
    [TestCase(0.2, 40, 0)]
    [TestCase(60.0, 200, 1180)]
    public void After_the_first_second_it_asks_every_50_ms_instead_of_every_5(double seconds, int quick, int slow)
    {
        Assert.That(ReadinessWait.Checks(TimeSpan.FromSeconds(seconds)), Is.EqualTo((quick, slow)));
        var script = ReadinessWait.Script("127.0.0.1", 8080, 42, TimeSpan.FromSeconds(seconds));
        Assert.That(script, Does.Contain($"i < {Math.Max(1, quick + slow)}; i++").And.Contain($"if ((i < {quick})); then wait=0.005; else wait=0.05; fi"));
    }

    [Test]
    public async Task The_wait_ends_when_nobody_reads_its_answer_any_more()
    {
        using var closed = new ClosedPort();
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(ReadinessWait.Script("127.0.0.1", closed.Port, Environment.ProcessId, TimeSpan.FromSeconds(60)));
        using var bash = Process.Start(start)!;
        try
        {
            Assert.That((char)bash.StandardOutput.Read(), Is.EqualTo('.'), "a dot while it waits");

            // Platform went away (Ctrl+C closes the SSH channel): the next dot cannot be written.
            bash.StandardOutput.Close();

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await bash.WaitForExitAsync(limit.Token);
            Assert.That(bash.HasExited, Is.True);
        }
        finally
        {
            // A wait that did not end would otherwise ask on for its 60 s after the test.
            if (!bash.HasExited)
            {
                bash.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<string> RunAsync(int port, int pid, TimeSpan timeout) =>
        (await LocalTools.BashAsync(ReadinessWait.Script("127.0.0.1", port, pid, timeout))).Output;

    // Answers each connection with the next status of the list (the last one repeats), recording the requests.
    private sealed class StandInSlot : IAsyncDisposable
    {
        private readonly LoopbackServer _server;

        public StandInSlot(IReadOnlyList<string> statuses, string body = "") => _server = new(async (stream, n, stop) =>
        {
            var request = await LoopbackServer.ReadRequestAsync(stream, stop);
            lock (Requests)
            {
                Requests.Add(request);
            }

            var status = statuses[Math.Min(n, statuses.Count - 1)];
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), stop);
        });

        public int Port => _server.Port;

        public List<string> Requests { get; } = [];

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
