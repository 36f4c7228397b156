using Platform.Core;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

public sealed class DeployUnitTests
{
    private sealed class FakeChannel(string answer) : IRuntimeApiChannel
    {
        public List<string> Sent { get; } = [];

        public Task<string> SendAsync(IReadOnlyList<string> commands, CancellationToken cancellation)
        {
            Sent.Add(string.Join("; ", commands));
            return Task.FromResult(answer);
        }
    }

    private const string Header = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode";

    // A row in HAProxy 2.6's column order, empty where the test does not care.
    private static string Row(string server, string status, int scur, string addr, string checkStatus = "", string lastCheck = "")
    {
        var columns = Header[2..].Split(',');
        var values = new string[columns.Length];
        values[Array.IndexOf(columns, "check_status")] = checkStatus;
        values[Array.IndexOf(columns, "last_chk")] = lastCheck;
        values[Array.IndexOf(columns, "pxname")] = "catalog";
        values[Array.IndexOf(columns, "svname")] = server;
        values[Array.IndexOf(columns, "status")] = status;
        values[Array.IndexOf(columns, "scur")] = scur.ToString(System.Globalization.CultureInfo.InvariantCulture);
        values[Array.IndexOf(columns, "addr")] = addr;
        return string.Join(",", values.Select(v => v ?? string.Empty));
    }

    private static readonly string Stat = string.Join("\n",
        Header,
        Row("FRONTEND", "OPEN", 3, string.Empty),
        Row("web-1_8081", "UP", 2, "127.0.10.11:8081"),
        Row("web-1_8082", "MAINT", 0, "127.0.10.11:8082"),
        Row("web-2_8081", "DRAIN 1/2", 1, "127.0.10.12:8081"),
        Row("web-2_8082", "DOWN", 0, "127.0.10.12:8082", "L4CON", "Connection refused"),
        Row("BACKEND", "UP", 3, string.Empty));

    [Test]
    public void Show_stat_is_read_by_column_name()
    {
        var servers = HaproxyRuntime.ParseStat(Stat, "catalog");

        Assert.That(servers.Select(s => s.Server), Is.EqualTo(new[] { "web-1_8081", "web-1_8082", "web-2_8081", "web-2_8082" }));
        Assert.That(servers[3].LastCheck, Is.EqualTo("L4CON Connection refused"), "why it is DOWN");
        Assert.That(servers[1].LastCheck, Is.Null);
        Assert.That(servers[0].IsUp && servers[0].CurrentSessions == 2);
        Assert.That(servers[1].IsMaintenance);
        Assert.That(servers[2].IsDraining && servers[2].CurrentSessions == 1);
        Assert.That(servers[0].Address, Is.EqualTo("127.0.10.11:8081"));
    }

    [Test]
    public async Task Activation_sends_address_state_and_health_in_one_call()
    {
        var channel = new FakeChannel("\n\n\n");

        await new HaproxyRuntime(channel, "catalog").ActivateAsync("web-1_8082", "127.0.10.11", 8082);

        Assert.That(channel.Sent.Single(), Is.EqualTo("set server catalog/web-1_8082 addr 127.0.10.11 port 8082; set server catalog/web-1_8082 state ready; set server catalog/web-1_8082 health up"));
    }

    [Test]
    public async Task An_error_answer_fails_the_call_with_haproxys_words()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => new HaproxyRuntime(new FakeChannel("No such server.\n\n"), "catalog").SetStateAsync("web-9_8081", SlotState.Drain));

        Assert.That(error!.Message, Does.Contain("No such server").And.Contain("web-9_8081"));
    }

    [Test]
    public void Metrics_give_the_5xx_share_since_start_of_what_clients_were_served()
    {
        var text = """
            # HELP http_requests_received_total Provides the count of HTTP requests
            http_requests_received_total{code="200",method="GET",controller="",action="",endpoint="/items"} 97
            http_requests_received_total{code="503",method="GET",controller="",action="",endpoint="/items/{id}"} 2
            http_requests_received_total{code="500",method="POST",controller="",action="",endpoint="/items"} 1
            http_requests_received_total{code="503",method="GET",controller="",action="",endpoint="/health/ready"} 400
            http_requests_received_total{code="200",method="GET",controller="",action="",endpoint="/health/ready"} 3600
            http_requests_received_total{code="200",method="GET",controller="",action="",endpoint="/metrics"} 12
            http_request_duration_seconds_count{code="200"} 97
            """;

        var reading = MetricsReading.Parse(text);

        // HAProxy's checks (a 503 while the database was away is what they are for) and scrapes are not served
        // traffic; a route with braces in its label (/items/{id}) is (it used to be skipped).
        Assert.That(reading.Total, Is.EqualTo(100));
        Assert.That(reading.ServerErrorRate, Is.EqualTo(0.03).Within(1e-9));
    }

    [Test]
    public void Listening_ports_on_the_nodes_address_and_on_any_address()
    {
        var tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0B0A007F:08AE 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
               1: 0B0A007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1
               2: 0C0A007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1
               3: 0B0A007F:1F91 0A0A007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 4 1
               4: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1
            """;

        Assert.That(ListeningPorts.On(tcp, "127.0.10.11"), Is.EquivalentTo(new[] { 22, 2222, 8081 }));
        Assert.That(ListeningPorts.On(tcp, "127.0.10.11", includeAnyAddress: false), Is.EquivalentTo(new[] { 2222, 8081 }), "local hosts share the machine's any-address listeners");
    }

    [Test]
    public void A_node_keeps_its_history_newest_first()
    {
        var now = DateTimeOffset.UnixEpoch;
        var first = NodeRelease.After(null, "1.0.0", 8081, now);
        var second = NodeRelease.After(first, "1.1.0", 8082, now);
        var back = NodeRelease.After(second, "1.0.0", 8081, now);

        Assert.That(second.Previous, Is.EqualTo(new[] { "1.0.0" }));
        Assert.That(back.Previous, Is.EqualTo(new[] { "1.1.0" }));
        Assert.That(NodeRelease.Parse(back.ToJson()), Is.EqualTo(back).Using<NodeRelease>((a, b) => a.Version == b.Version && a.Previous.SequenceEqual(b.Previous)));
        Assert.That(NodeRelease.Parse("{broken"), Is.Null);
        Assert.That(NodeRelease.Parse("""{ "version": "1.1.0-rc.1", "slot": 8082, "since": "2026-11-27T08:00:00+00:00", "previous": ["1.0.0"] }""")?.Previous, Is.EqualTo(new[] { "1.0.0" }), "a record as Platform writes it");
    }

    [Test]
    public void A_node_record_keeps_the_last_five_releases_Rollback_may_return_to()
    {
        NodeRelease? record = null;
        foreach (var minor in Enumerable.Range(0, 8))
        {
            record = NodeRelease.After(record, $"1.{minor}.0", 8081 + (minor % 2), DateTimeOffset.UnixEpoch);
        }

        Assert.That(record!.Previous, Is.EqualTo(new[] { "1.6.0", "1.5.0", "1.4.0", "1.3.0", "1.2.0" }));
    }

    [TestCase("""{ "version": "1.1.0", "slot": 8082, "since": "2026-11-27T08:00:00+00:00", "previous": ["1.0.0", "../../../etc"] }""", TestName = "A record whose history names no release is damaged")]
    [TestCase("""{ "version": "latest", "slot": 8082, "since": "2026-11-27T08:00:00+00:00", "previous": [] }""", TestName = "A record whose release is no release name is damaged")]
    [TestCase("""{ "version": "1.1.0", "slot": 0, "since": "2026-11-27T08:00:00+00:00", "previous": [] }""", TestName = "A record whose slot is no port is damaged")]
    [TestCase("""{ "version": "1.1.0", "slot": 8082, "since": "2026-11-27T08:00:00+00:00" }""", TestName = "A record without its history is damaged")]
    [TestCase("null", TestName = "A record that is JSON null is damaged")]
    public void A_record_edited_into_something_Platform_would_not_write_is_damaged(string json)
    {
        Assert.That(NodeRelease.Parse(json), Is.Null);
        Assert.That(NodeRelease.IsDamaged(json), Is.True);
    }

    [TestCase("""{"release":"1.2.0","schema":3}""", "1.2.0")]
    [TestCase("""{"release":5}""", null)]
    [TestCase("""["1.2.0"]""", null)]
    [TestCase("""{"schema":3}""", null)]
    [TestCase("1.2.0", null)]
    [TestCase("", null)]
    public void The_release_a_version_answer_names(string body, string? release) =>
        Assert.That(RemoteHttp.ReleaseIn(body), Is.EqualTo(release));

    [Test]
    public void A_contract_applied_blocks_every_release_that_does_not_ship_it_whichever_release_applied_it()
    {
        // V4 contracted for 2.0 (which ships it); 1.5 runs now after a forced Rollback and does not ship it.
        var contracts = new HashSet<string> { "V4__drop_old.sql" };
        var applied = new[] { "V1__create.sql", "V3__add_name.sql", "V4__drop_old.sql" };
        Platform.Release.ReleaseManifest Cut(params string[] migrations) => new() { Version = "x", GitCommit = "c", Created = DateTimeOffset.UnixEpoch, RequiredSchema = 1, CatalogSchema = 1, Migrations = migrations, BuildKey = "k" };

        Assert.That(ContractGuard.Blocking(applied, contracts, Cut("expand/V1__create.sql")), Is.EqualTo(new[] { "V4__drop_old.sql" }), "an older release, whatever runs now");
        Assert.That(ContractGuard.Blocking(applied, contracts, Cut("expand/V1__create.sql", "expand/V3__add_name.sql", "contract/V4__drop_old.sql")), Is.Empty, "a release that ships the contract");
        Assert.That(ContractGuard.Blocking(["V1__create.sql"], contracts, Cut("expand/V1__create.sql")), Is.Empty, "nothing contracted yet");
    }

    [Test]
    public void A_smoke_failure_shows_what_failed_without_the_frameworks_stack_trace()
    {
        const string output = "  Failed Search_finds_an_item [40 ms]\n  Error Message:\n   GET /items?search=x answered 500\n  Stack Trace:\n     at NUnit.Framework.Internal.MessagePumpStrategy.WaitForCompletion()\n     at Catalog.Smoke.ItemsSmoke.Search() in /src/ItemsSmoke.cs:line 40\nFailed!  - Failed: 1, Passed: 4";

        Assert.That(SmokeTestRunner.WithoutStackTraces(output), Is.EqualTo("  Failed Search_finds_an_item [40 ms]\n  Error Message:\n   GET /items?search=x answered 500\nFailed!  - Failed: 1, Passed: 4"));
    }

    [TestCase(1, 3, 1)]
    [TestCase(3, 3, 2)]
    [TestCase(5, 12, 5)]
    [TestCase(2, 1, 1)]
    public void Batches_never_take_every_node(int asked, int nodes, int used) =>
        Assert.That(new RollOptions { Version = "1.0.0", BatchSize = asked }.EffectiveBatchSize(nodes), Is.EqualTo(used));

    [Test]
    public void A_node_the_inventory_lacks_fails_setup_and_without_an_inventory_nothing_is_asked()
    {
        var dir = Platform.TestSupport.RepositoryRoot.NewScratch("checknode");
        try
        {
            RunContext Run(string node) => new(new EnvironmentLayout(dir, "local", Path.Combine(dir, "state"), Path.Combine(dir, "artifacts")), RunArguments.From(new Dictionary<string, string> { ["node"] = node }), false, new Platform.TestSupport.RecordingReporter());
            Assert.DoesNotThrow(() => RollOptions.CheckNode(Run("web-9")), "no inventory yet: Apply will make one");

            Directory.CreateDirectory(Path.Combine(dir, "artifacts"));
            File.WriteAllText(Run("web-1").Layout.InventoryFile, """
                {"environment":"local","serviceUrl":"http://127.0.10.10:8080","hosts":[
                  {"name":"lb","roles":["lb"],"address":"127.0.10.10","sshPort":22,"sshUser":"root","hostKeyFingerprint":"SHA256:abc","baseDir":"/srv/lb"},
                  {"name":"web-1","roles":["app"],"address":"127.0.10.11","sshPort":22,"sshUser":"root","hostKeyFingerprint":"SHA256:def","baseDir":"/srv/web-1"}]}
                """);

            Assert.DoesNotThrow(() => RollOptions.CheckNode(Run("web-1")));
            Assert.That(() => RollOptions.CheckNode(Run("web-9")), Throws.TypeOf<PlatformException>().With.Message.Contains("--node=web-9: no such host").And.Message.Contains("Pass one of its app nodes: web-1."));
            Assert.That(() => RollOptions.CheckNode(Run("lb")), Throws.TypeOf<PlatformException>().With.Message.Contains("--node=lb is not an app node").And.Message.Contains("Pass one of web-1."));
        }
        finally
        {
            Platform.TestSupport.RepositoryRoot.RemoveScratch(dir);
        }
    }

    [Test]
    public async Task Smoke_tests_of_compatibility_wait_for_a_service_that_answers_through_the_lb()
    {
        await using (var serving = Answering("HTTP/1.0 200 OK\r\n\r\nready"))
        {
            await ServingCheck.RequireServingAsync(serving.Url, CancellationToken.None);
        }

        await using (var nobody = Answering("HTTP/1.0 503 Service Unavailable\r\n\r\n<h1>No server is available</h1>\n"))
        {
            var error = await Assert.ThrowsAsync<PlatformException>(() => ServingCheck.RequireServingAsync(nobody.Url, CancellationToken.None));
            Assert.That(error!.Message, Does.Contain($"{nobody.Url}/health/ready answers 503 (<h1>No server is available</h1>)").And.Contain("no node serves").And.Contain("RollNode --version="));
        }

        using var closed = new ClosedPort();
        var unreachable = await Assert.ThrowsAsync<PlatformException>(() => ServingCheck.RequireServingAsync($"http://127.0.0.1:{closed.Port}", CancellationToken.None));
        Assert.That(unreachable!.Message, Does.Contain("does not answer"));
    }

    // A one-answer HTTP server on loopback: every connection gets the same bytes, then is closed (which ends the body).
    private static LoopbackServer Answering(string response) => new(async (stream, _, stop) =>
    {
        await LoopbackServer.ReadRequestAsync(stream, stop);
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(response), stop);
    });

    [Test]
    public void Roll_options_are_read_from_arguments_with_clear_errors()
    {
        var args = RunArguments.From(new Dictionary<string, string> { ["batch-size"] = "2", ["ready-timeout"] = "45", ["strategy"] = "restart" });
        var options = RollOptions.From(args, "1.0.0");

        Assert.That(options.BatchSize, Is.EqualTo(2));
        Assert.That(options.ReadyTimeout, Is.EqualTo(TimeSpan.FromSeconds(45)));
        Assert.That(options.Strategy, Is.EqualTo(RollStrategy.Restart));
        Assert.That(options.UploadParallel, Is.EqualTo(4), "default");
        Assert.That(RollOptions.From(RunArguments.From(new Dictionary<string, string> { ["upload-parallel"] = "8" }), "1.0.0").UploadParallel, Is.EqualTo(8));
        Assert.That(() => RollOptions.From(RunArguments.From(new Dictionary<string, string> { ["strategy"] = "yolo" }), "1.0.0"), Throws.TypeOf<PlatformException>().With.Message.Contains("--strategy=yolo"));
        Assert.That(() => RollOptions.From(RunArguments.From(new Dictionary<string, string> { ["upload-parallel"] = "0" }), "1.0.0"), Throws.TypeOf<PlatformException>().With.Message.Contains("upload-parallel"));
        Assert.That(options.Surge, Is.EqualTo(1), "default: N+1 starts ahead on the next node");
        Assert.That(RollOptions.From(RunArguments.From(new Dictionary<string, string> { ["surge"] = "0" }), "1.0.0").Surge, Is.Zero, "strictly one batch after another");
        Assert.That(() => RollOptions.From(RunArguments.From(new Dictionary<string, string> { ["surge"] = "-1" }), "1.0.0"), Throws.TypeOf<PlatformException>().With.Message.Contains("surge"));
    }

    [Test]
    public void Only_an_lb_host_that_does_not_answer_counts_as_unreachable_for_the_deploy_lock()
    {
        var refused = new PlatformException("'lb' refused the login", new Renci.SshNet.Common.SshAuthenticationException("Permission denied (publickey)."));
        var down = new PlatformException("Cannot reach 'lb'", new System.Net.Sockets.SocketException(111));

        Assert.That(HostChangeLock.Unreachable(down), Is.True);
        Assert.That(HostChangeLock.Unreachable(new PlatformException("wrapped", down)), Is.True);
        Assert.That(HostChangeLock.Unreachable(refused), Is.False, "a host that turns the login down is up, and may hold another run's lock");
        Assert.That(HostChangeLock.Unreachable(new PlatformException("The deploy key is missing")), Is.False);
    }

    [Test]
    public async Task Package_refuses_an_expand_script_that_would_break_the_running_release_before_building_anything()
    {
        var repo = Platform.TestSupport.RepositoryRoot.NewScratch("package-guard");
        try
        {
            var db = Path.Combine(repo, "src", "Catalog.Service", "db");
            Directory.CreateDirectory(Path.Combine(db, "expand"));
            File.WriteAllText(Path.Combine(db, "expand", "V1__create.sql"), "CREATE TABLE t (id bigint);\n");
            File.WriteAllText(Path.Combine(db, "expand", "V2__bad.sql"), "-- oops\nALTER TABLE t DROP COLUMN id;\n");
            var run = new RunContext(new EnvironmentLayout(repo, "local", Path.Combine(repo, "state"), Path.Combine(repo, "artifacts"), Path.Combine(repo, "releases")), RunArguments.Empty, false, new Platform.TestSupport.RecordingReporter());

            var error = await Assert.ThrowsAsync<PlatformException>(() => new CheckedPackageStep(run).RunAsync());

            Assert.That(error!.Message, Does.StartWith("Not packaged (nothing was built or changed): these expand migrations would break or stall the release").And.Contain("V2__bad.sql:2").And.Contain("DROP COLUMN"));
            Assert.That(Directory.Exists(Path.Combine(repo, "releases")), Is.False, "nothing built");
        }
        finally
        {
            Platform.TestSupport.RepositoryRoot.RemoveScratch(repo);
        }
    }
}
