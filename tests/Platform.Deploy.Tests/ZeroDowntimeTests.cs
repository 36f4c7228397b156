using Npgsql;
using Platform.Core;
using Platform.Migrate;
using Platform.Secrets;
using Platform.Secure;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

/// <summary>
/// The heart of Platform on a real local environment (3 app nodes, HAProxy, PostgreSQL): release N
/// runs; N+1 replaces it under steady load with no request lost; the naive restart loses requests
/// (proof the harness sees downtime); a release that never gets ready leaves every node where it
/// was; a second deploy is refused by the lock; Rollback returns to N; redeploying restarts nothing.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class ZeroDowntimeTests
{
    private DeployHarness _h = null!;

    [OneTimeSetUp]
    public async Task DeployReleaseN()
    {
        _h = await DeployHarness.StartAsync("zerodowntime");
        await _h.DeployAsync(DeployHarness.N);
    }

    [OneTimeTearDown]
    public async Task Cleanup() => await _h.DisposeAsync();

    [Test]
    public void Release_N_runs_everywhere() =>
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.N));

    [Test, DependsOnTest(nameof(Release_N_runs_everywhere), AllowFailure = true)]
    public async Task Check_mode_shows_the_roll_and_changes_nothing()
    {
        var pids = Pids();
        var reporter = new RecordingReporter();
        var run = _h.Env.NewRun(new Dictionary<string, string> { ["version"] = DeployHarness.NextN }, checkMode: true, reporter: reporter);

        var expand = await new ExpandDbStep(run).RunAsync();
        var result = await new RollNodeStep(run).RunAsync();
        await DeployRun.FinishAsync(run, ["Deploy"], true, null);

        Assert.That(expand.Pending, Is.Not.Empty, "N+1's expand migration is pending");
        Assert.That(expand.Applied, Is.Empty, "and not applied (the Deploy after this test applies it: it checks that it did)");
        Assert.That(result.Nodes.Select(n => n.Outcome), Is.All.EqualTo(Outcome.Changed));
        Assert.That(reporter.Text, Does.Contain("would change (91.0.0 on 8081 -> 91.1.0 on 8082)").And.Contain("pending migrations"));
        Assert.That(Pids(), Is.EqualTo(pids));
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.N));
    }

    // As if N+1's schema broke N: N's own smoke tests fail through the lb, and the Deploy stops before any node.
    [Test, DependsOnTest(nameof(Check_mode_shows_the_roll_and_changes_nothing), AllowFailure = true)]
    public async Task A_running_release_that_fails_on_the_new_schema_stops_the_deploy_before_any_node_is_touched()
    {
        var pids = Pids();
        var setup = _h.Env.NewRun();
        var database = await CatalogDatabase.OpenAsync(setup, _h.Inventory, SecretStoreFactory.Create(setup), createMissing: false);
        async Task SqlAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(database.OwnerConnectionString("zerodowntime-test"));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        await SqlAsync("ALTER TABLE items RENAME TO items_hidden_by_the_test");
        try
        {
            var error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("CheckCompatibility", DeployHarness.NextN, async run =>
            {
                await new CheckCompatibilityStep(run).RunAsync();
                return true;
            }));

            Assert.That(error!.Message, Does.StartWith($"The smoke tests of release {DeployHarness.N} failed against {_h.Inventory.ServiceUrl}").And.Contain("before any node is touched"));
            Assert.That(Pids(), Is.EqualTo(pids));
            Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.N));
        }
        finally
        {
            await SqlAsync("ALTER TABLE items_hidden_by_the_test RENAME TO items");
        }
    }

    // HAProxy restarted after a crash: every slot in maintenance, nothing served. The check does not stop the Deploy
    // that would bring the slots back (it used to: the service stayed down until a Deploy of the running release).
    [Test, DependsOnTest(nameof(A_running_release_that_fails_on_the_new_schema_stops_the_deploy_before_any_node_is_touched), AllowFailure = true)]
    public async Task With_every_slot_in_maintenance_the_compatibility_check_lets_the_roll_bring_them_back()
    {
        var asking = await DeployRun.ForAsync(_h.Env.NewRun());
        var lb = await asking.HaproxyAsync();
        var serving = (await lb.ShowStatAsync()).Where(s => !s.IsMaintenance).Select(s => s.Server).ToList();
        try
        {
            foreach (var server in serving)
            {
                await lb.SetStateAsync(server, SlotState.Maint, CancellationToken.None);
            }

            await _h.RunAsync("CheckCompatibility", DeployHarness.NextN, async run =>
            {
                await new CheckCompatibilityStep(run).RunAsync();
                return true;
            });

            Assert.That(_h.LastOutput.Text, Does.Contain("Every slot is in maintenance in HAProxy").And.Contain("The roll brings the nodes back into service"));
            Assert.That(serving, Has.Count.EqualTo(_h.Inventory.AppNodes.Count()), "one serving slot per node before");
        }
        finally
        {
            foreach (var server in serving)
            {
                await lb.SetStateAsync(server, SlotState.Ready, CancellationToken.None);
            }

            await Poll.UntilAsync(
                async () => (await lb.ShowStatAsync()).Count(s => s.Status.StartsWith("UP", StringComparison.Ordinal)) == serving.Count,
                TimeSpan.FromSeconds(15),
                TimeSpan.FromMilliseconds(100),
                "the slots did not come back UP");
            await asking.DisposeAsync();
        }
    }

    [Test, DependsOnTest(nameof(With_every_slot_in_maintenance_the_compatibility_check_lets_the_roll_bring_them_back), AllowFailure = true)]
    public async Task Staging_N_plus_1_puts_it_on_every_node_and_changes_nothing_that_runs()
    {
        var pids = Pids();

        // Stopped (Ctrl+C) as the uploads begin: the recap says which nodes were not staged, and nothing half-unpacked is left.
        var stopped = await _h.RunStoppedAsync("Stage", DeployHarness.NextN, "Staging ", run => new StageStep(run).RunAsync());
        Assert.That(stopped.Text, Does.Contain("STAGE RECAP"), stopped.Text);
        Assert.That(stopped.Text, Does.Match(@"web-1 +ok=0 changed=0 failed=0 skipped=1  not staged: the run was stopped"), stopped.Text);
        AssertNothingHalfUnpacked();

        var staged = await _h.RunAsync("Stage", DeployHarness.NextN, run => new StageStep(run).RunAsync());
        var again = await _h.RunAsync("Stage", DeployHarness.NextN, run => new StageStep(run).RunAsync());

        Assert.That(staged.Nodes.Select(n => n.Outcome), Is.All.EqualTo(Outcome.Changed));
        Assert.That(again.Nodes.Select(n => n.Outcome), Is.All.EqualTo(Outcome.Ok), "a staged release is not uploaded again");
        Assert.That(Pids(), Is.EqualTo(pids), "no process started or stopped");
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.N));
        foreach (var node in _h.Inventory.AppNodes.Select(n => new NodeLayout(n)))
        {
            Assert.That(File.Exists(Path.Combine(node.AppDir(DeployHarness.NextN), "Catalog.Service")), Is.True, node.Node.Name);
            Assert.That(File.ReadAllText(node.ReleaseChecksumFile(DeployHarness.NextN)).Trim(), Has.Length.EqualTo(64), node.Node.Name);
        }

        AssertNothingHalfUnpacked();
    }

    private void AssertNothingHalfUnpacked()
    {
        foreach (var node in _h.Inventory.AppNodes.Select(n => new NodeLayout(n)))
        {
            Assert.That(Directory.Exists(node.ReleasesDir) ? Directory.GetDirectories(node.ReleasesDir, ".incoming-*") : [], Is.Empty, $"{node.Node.Name}: nothing half-unpacked left");
        }
    }

    [Test, DependsOnTest(nameof(Staging_N_plus_1_puts_it_on_every_node_and_changes_nothing_that_runs), AllowFailure = true)]
    public async Task Deploying_N_plus_1_under_load_loses_no_request()
    {
        // N+1 is staged already (the test before): the deploy takes a few seconds, so the load is denser.
        var load = await _h.UnderLoadAsync(() => _h.DeployAsync(DeployHarness.NextN), requestsPerSecond: 400);

        Assert.That(load.Failed, Is.Zero, load.ToString());
        // The load kept up through the whole deploy (however long a busy machine made it), so no gap went unseen.
        Assert.That(load.Requests, Is.GreaterThan(200), load.ToString());
        Assert.That(load.RequestsPerSecond, Is.GreaterThan(200), load.ToString());
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
        Assert.That(_h.LastOutput.Text, Does.Contain($"web-1: {DeployHarness.NextN} on port").And.Contain($"Deployed {DeployHarness.NextN} to '{_h.Inventory.Environment}': {_h.Inventory.ServiceUrl}"), "Deploy's own summary");

        // The report shows where the time went, setup included: every host's connection, the lock
        // on the lb, each node asked what it runs, then its roll.
        var report = _h.LatestReport();
        Assert.That(report, Does.Contain("| Node | connect | lock | discover | upload | start | ready | drain | stop | verify | Total |"));
        const string Took = @"(?:\d+\.\d\d|<0\.01)"; // a cell of a phase that ran
        Assert.That(report, Does.Match($@"\| lb \| {Took} \| {Took} \| – \|"));
        foreach (var node in _h.Inventory.AppNodes)
        {
            Assert.That(report, Does.Match($@"\| {node.Name} \| {Took} \| – \| {Took} \| {Took} \| {Took} \| {Took} \|"), report);
        }

        Assert.That(report, Does.Match(@"STAGE RECAP\r?\n  web-1 +ok=\d+[^`]*ROLLNODE RECAP\r?\n  web-1 +ok=\d+ changed=[1-9]"), "each step's recap under its heading");
        Assert.That(report, Does.Contain("## Steps").And.Match(@"- ExpandDb: applied V3__").And.Contain($"- CheckCompatibility: the smoke tests of {DeployHarness.N} (running) passed on {DeployHarness.NextN}'s schema"),
            "what the steps around the roll did");
    }

    [Test, DependsOnTest(nameof(Deploying_N_plus_1_under_load_loses_no_request), AllowFailure = true)]
    public async Task Verify_checks_every_node_and_runs_the_smoke_tests_through_the_lb()
    {
        var recap = await _h.RunAsync("Verify", DeployHarness.NextN, run => new VerifyStep(run).RunAsync());

        Assert.That(recap.HasFailures, Is.False, _h.LastOutput.Text);
        Assert.That(_h.LastOutput.Text, Does.Contain("ok ssh password login").And.Contain("ok authorized_keys").And.Contain("ok listening ports"));
        Assert.That(_h.LastOutput.Text, Does.Contain("Smoke tests of 91.1.0: Passed!"));

        var web1 = _h.Inventory.Host("web-1");
        var stranger = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBbYH8B3v7N8mEj2l7OvW2M1r9l4iM0V3uHqfXk7yq9b stranger";
        await File.AppendAllTextAsync(web1.AuthorizedKeysFile, stranger + "\n");
        // And a key in authorized_keys2 beside the circle's file on web-2, which sshd may read too.
        await File.WriteAllTextAsync(_h.Inventory.Host("web-2").SecondAuthorizedKeysFile!, stranger + "\n");
        try
        {
            var error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Verify", DeployHarness.NextN, run => new VerifyStep(run).RunAsync()));
            Assert.That(error!.Message, Does.Contain("web-1"));
            Assert.That(_h.LastOutput.Text, Does.Contain("web-1: FAILED authorized_keys"));
            Assert.That(_h.LastOutput.Text, Does.Contain("web-2: FAILED authorized_keys").And.Contain("authorized_keys2 exists beside the circle's file"));
        }
        finally
        {
            await new SeedKeysStep(_h.Env.NewRun()).RunAsync(); // the stranger goes again: the tests after this one verify
        }
    }

    [Test, DependsOnTest(nameof(Verify_checks_every_node_and_runs_the_smoke_tests_through_the_lb), AllowFailure = true)]
    public async Task Verify_checks_and_reports_every_node_when_one_cannot_be_reached()
    {
        // web-3's sshd stops listening (its sessions of earlier runs are gone with their runs).
        var hostDir = Path.GetDirectoryName(_h.Inventory.Host("web-3").AuthorizedKeysFile)!;
        var pid = (await File.ReadAllTextAsync(Path.Combine(hostDir, "sshd.pid"))).Trim();
        await LocalTools.BashAsync($"kill -TERM {pid}; for i in $(seq 200); do kill -0 {pid} 2>/dev/null || exit 0; sleep 0.02; done");
        try
        {
            var error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Verify", DeployHarness.NextN, run => new VerifyStep(run).RunAsync()));

            Assert.That(error!.Message, Does.Contain("Verify failed on web-3:"), "only the unreachable node fails");
            var said = _h.LastOutput.Text;
            Assert.That(said, Does.Contain("[verify] web-3: FAILED reachable:"));
            Assert.That(said, Does.Contain("[verify] web-1: ok version").And.Contain("[verify] web-2: ok version"), "the others are still checked");
            Assert.That(said, Does.Match(@"web-1\s+ok=\d+ changed=0 failed=0").And.Match(@"web-3\s+ok=0 changed=0 failed=1"), "and the recap printed");

            // An incident with a host down: a Rollback of every node is refused naming the way on, Rollback --node ...
            var whole = _h.Env.NewRun(new Dictionary<string, string> { ["target"] = "Rollback" }, reporter: new RecordingReporter());
            try
            {
                var refused = await Assert.ThrowsAsync<PlatformException>(() => new RollbackStep(whole).RunAsync());
                Assert.That(refused!.Message, Does.StartWith("Cannot reach 'web-3'").And.Contain($"(web-1 runs {DeployHarness.NextN}, web-2 runs {DeployHarness.NextN}, web-3 cannot be reached)")
                    .And.Contain("run Rollback --node=NAME for each node that runs it").And.EndWith("Nothing was changed."));
            }
            finally
            {
                await DeployRun.FinishAsync(whole, ["Rollback"], false, "refused");
            }

            // ... which takes web-1 back by its own record, without web-3.
            var back = new RecordingReporter(TestContext.Progress);
            var rollback = _h.Env.NewRun(new Dictionary<string, string> { ["node"] = "web-1", ["target"] = "Rollback" }, reporter: back);
            try
            {
                await new RollbackStep(rollback).RunAsync();
            }
            finally
            {
                await DeployRun.FinishAsync(rollback, ["Rollback"], true, null);
            }

            Assert.That(back.Text, Does.Contain($"Rolling back from {DeployHarness.NextN} to {DeployHarness.N}"));
            Assert.That(NodeRelease.Parse(await File.ReadAllTextAsync(Path.Combine(_h.Inventory.Host("web-1").BaseDir, "current.json")))!.Version, Is.EqualTo(DeployHarness.N));
            await _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync(), ("node", "web-1"));
        }
        finally
        {
            await StartSshdUnlessListeningAsync(_h.Inventory.Host("web-3"));
        }
    }

    [Test, DependsOnTest(nameof(Verify_checks_and_reports_every_node_when_one_cannot_be_reached), AllowFailure = true)]
    public async Task Redeploying_the_running_version_restarts_nothing()
    {
        var pids = Pids();

        var result = await _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync());

        Assert.That(result.Nodes.Select(n => n.Outcome), Is.All.EqualTo(Outcome.Ok));
        Assert.That(Pids(), Is.EqualTo(pids));
        Assert.That(_h.LastOutput.Text, Does.Contain("nothing to roll"));

        // Staging the running release never replaces its folder under the running process.
        var staged = await _h.RunAsync("Stage", DeployHarness.NextN, run => new StageStep(run).RunAsync());
        Assert.That(staged.Nodes.Select(n => n.Outcome), Is.All.EqualTo(Outcome.Ok));
        Assert.That(_h.LastOutput.Text, Does.Contain($"web-1: ok (already runs {DeployHarness.NextN})"));
        Assert.That(Pids(), Is.EqualTo(pids));
    }

    [Test, DependsOnTest(nameof(Redeploying_the_running_version_restarts_nothing), AllowFailure = true)]
    public async Task A_release_left_on_the_idle_slot_by_a_killed_run_fails_verify_and_the_next_roll_stops_it()
    {
        // As a run killed (SIGKILL, a lost CI agent) after N+1 started ahead on web-2 and before it switched.
        var web2 = _h.Inventory.Host("web-2");
        var serving = NodeRelease.Parse(await File.ReadAllTextAsync(Path.Combine(web2.BaseDir, "current.json")))!.Slot;
        var idle = _h.Inventory.LoadBalancer!.SlotPorts.Single(p => p != serving);
        var killed = await DeployRun.ForAsync(_h.Env.NewRun());
        var stray = await killed.Processes.StartAsync(await killed.NodeAsync(web2), DeployHarness.N, idle, CancellationToken.None);
        await killed.DisposeAsync();

        await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Verify", DeployHarness.NextN, run => new VerifyStep(run).RunAsync()));
        Assert.That(_h.LastOutput.Text, Does.Contain($"[verify] web-2: FAILED idle slot: {DeployHarness.N} still runs on idle port {idle} (pid {stray}), left by a run that was interrupted: RollNode stops it"));
        var pids = Pids(serving: true);

        var result = await _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync());

        Assert.That(result.Nodes.Single(n => n.Node == "web-2").Outcome, Is.EqualTo(Outcome.Changed));
        Assert.That(_h.LastOutput.Text, Does.Contain($"[roll] web-2: changed (already runs {DeployHarness.NextN} on {serving}; {DeployHarness.N} still runs on idle port {idle} (pid {stray}): stopped)"));
        Assert.That(Pids(), Is.EqualTo(pids), "what serves is left alone");
        Assert.That(File.Exists($"/proc/{stray}/stat") && File.ReadAllText($"/proc/{stray}/stat").Split(") ")[^1][0] is not ('Z' or 'X'), Is.False, "stopped (a zombie until its parent reaps it)");
        await _h.RunAsync("Verify", DeployHarness.NextN, run => new VerifyStep(run).RunAsync());
    }

    [Test, DependsOnTest(nameof(A_release_left_on_the_idle_slot_by_a_killed_run_fails_verify_and_the_next_roll_stops_it), AllowFailure = true)]
    public async Task A_node_on_the_version_but_with_other_settings_is_rolled_to_start_with_the_current_ones()
    {
        // As when the database moved: web-2's settings file no longer holds what the environment says.
        var web2 = _h.Inventory.Host("web-2");
        var envFile = Path.Combine(web2.BaseDir, "catalog.env");
        var expected = await File.ReadAllTextAsync(envFile);
        await File.AppendAllTextAsync(envFile, "# edited since its start\n");
        var pids = Pids();

        var result = await _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync());

        Assert.That(_h.LastOutput.Text, Does.Contain($"web-2: runs {DeployHarness.NextN} with other settings than the environment's: rolled"));
        Assert.That(result.Nodes.Single(n => n.Node == "web-2").Outcome, Is.EqualTo(Outcome.Changed));
        Assert.That(result.Nodes.Where(n => n.Node != "web-2").Select(n => n.Outcome), Is.All.EqualTo(Outcome.Ok));
        var now = Pids();
        Assert.That(now["web-2"], Is.Not.EqualTo(pids["web-2"]), "restarted with the current settings");
        Assert.That(now.Where(p => p.Key != "web-2"), Is.EquivalentTo(pids.Where(p => p.Key != "web-2")), "the others untouched");
        Assert.That(await File.ReadAllTextAsync(envFile), Is.EqualTo(expected));
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
    }

    [Test, DependsOnTest(nameof(A_node_on_the_version_but_with_other_settings_is_rolled_to_start_with_the_current_ones), AllowFailure = true)]
    public async Task A_damaged_record_is_kept_aside_and_rewritten_by_the_next_roll()
    {
        var web3 = _h.Inventory.Host("web-3");
        var record = Path.Combine(web3.BaseDir, "current.json");
        const string damaged = "{\"version\":\"91.1.0\",\"sl";
        await File.WriteAllTextAsync(record, damaged);

        var verify = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Verify", DeployHarness.NextN, run => new VerifyStep(run).RunAsync()));
        Assert.That(_h.LastOutput.Text + verify!.Message, Does.Contain($"its record {record} is damaged"));
        Assert.That(_h.LatestReport(), Does.Contain("## Warnings and errors").And.Contain($"ERROR [verify] web-3: FAILED record: its record {record} is damaged"), "the report CI keeps says which check failed");
        Assert.That(_h.LastOutput.Text, Does.Contain("[verify] web-3: ok version").And.Contain($"[verify] web-3: ok haproxy web-3_"), "its other checks run on the slot HAProxy serves");

        await _h.DeployAsync(DeployHarness.NextN);

        Assert.That(_h.LastOutput.Text, Does.Contain($"web-3: its record {record} is damaged"));
        Assert.That(await File.ReadAllTextAsync(record + ".damaged"), Is.EqualTo(damaged), "kept as it was");
        Assert.That(_h.NodeVersions()["web-3"], Is.EqualTo(DeployHarness.NextN), "rewritten from what runs");
        await _h.RunAsync("Verify", DeployHarness.NextN, run => new VerifyStep(run).RunAsync());
        Assert.That(_h.LastOutput.Text, Does.Contain($"[verify] web-3: ok record: {DeployHarness.NextN} on "));

        // Emptied (a disk that filled up while it was written): damaged too, not "never rolled".
        var good = await File.ReadAllTextAsync(record);
        try
        {
            await File.WriteAllTextAsync(record, string.Empty);
            await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Verify", DeployHarness.NextN, run => new VerifyStep(run).RunAsync()));
            Assert.That(_h.LastOutput.Text, Does.Contain($"[verify] web-3: FAILED record: its record {record} is damaged (empty").And.Not.Contain("never rolled"));

            // Naming the slot HAProxy does not serve (its process stopped): Verify says so and goes by HAProxy.
            var served = NodeRelease.Parse(good)!;
            var other = served.Slot == _h.Inventory.LoadBalancer!.SlotPorts[0] ? _h.Inventory.LoadBalancer.SlotPorts[1] : _h.Inventory.LoadBalancer.SlotPorts[0];
            await File.WriteAllTextAsync(record, (served with { Slot = other }).ToJson());
            await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Verify", DeployHarness.NextN, run => new VerifyStep(run).RunAsync()));
            Assert.That(_h.LastOutput.Text, Does.Contain($"[verify] web-3: FAILED record: its record says {DeployHarness.NextN} on {other} (").And.Contain($"but HAProxy sends its traffic to {served.Slot}")
                .And.Contain("--target=RollNode --node=web-3").And.Contain("[verify] web-3: ok version"));
        }
        finally
        {
            await File.WriteAllTextAsync(record, good); // the tests after this one roll and verify web-3
        }
    }

    [Test, DependsOnTest(nameof(A_damaged_record_is_kept_aside_and_rewritten_by_the_next_roll), AllowFailure = true)]
    public async Task A_second_deploy_is_refused_by_the_lock_naming_its_holder()
    {
        var holder = _h.Env.NewRun(new Dictionary<string, string> { ["version"] = DeployHarness.NextN, ["as"] = "alice" });
        await (await DeployRun.ForAsync(holder)).LockAsync("Deploy", DeployHarness.NextN);
        try
        {
            var error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync()));

            Assert.That(error!.Message, Does.Contain("alice").And.Contain("Deploy").And.Contain("since").And.Contain("Unlock"));
        }
        finally
        {
            await DeployRun.FinishAsync(holder, ["Deploy"], true, null);
        }

        // The lb notes each release, and the next run to take the lock learns how long ago it was
        // (a step that asked the nodes meanwhile asks them again: see DeployLockTests).
        var said = new RecordingReporter();
        var next = _h.Env.NewRun(new Dictionary<string, string> { ["version"] = DeployHarness.NextN }, reporter: said);
        var nextDeploy = await DeployRun.ForAsync(next);
        await nextDeploy.LockAsync("RollNode", DeployHarness.NextN);
        await nextDeploy.LockAsync("RollNode", DeployHarness.NextN);
        Assert.That(nextDeploy.Lock.ReleasedBefore, Is.Not.Null.And.LessThan(TimeSpan.FromMinutes(1)), "alice's release was noted");
        Assert.That(said.Text.Split("Deploy lock taken on lb: no other run can roll out").Length, Is.EqualTo(2), "said once, by whichever step takes it first");
        await DeployRun.FinishAsync(next, ["RollNode"], true, null);

        // A lock whose run is alive here (this very process) is kept: breaking it would let two rolls run at once.
        var bobSaid = new RecordingReporter();
        var dead = _h.Env.NewRun(new Dictionary<string, string> { ["version"] = DeployHarness.NextN, ["as"] = "bob" }, reporter: bobSaid);
        await (await DeployRun.ForAsync(dead)).LockAsync("Rollback", DeployHarness.NextN);
        var alive = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Unlock", DeployHarness.NextN, run => new UnlockStep(run).RunAsync()));
        Assert.That(alive!.Message, Does.Contain($"still going: bob on {Environment.MachineName} (Rollback, version 91.1.0, process {Environment.ProcessId})").And.Contain("--force"));

        // A run that died leaves its lock (here: --force, as its process lives on): Unlock releases it, naming whose it was.
        var reports = Directory.GetFiles(_h.Env.NewRun().Layout.ReportsDir).Length;
        var removed = await _h.RunAsync("Unlock", DeployHarness.NextN, run => new UnlockStep(run).RunAsync(), ("force", "true"));
        Assert.That(Directory.GetFiles(_h.Env.NewRun().Layout.ReportsDir), Has.Length.EqualTo(reports), "an Unlock is no rollout: no deploy report");
        Assert.That(removed!.Operator, Is.EqualTo("bob"));
        Assert.That(_h.LastOutput.Text, Does.Contain("Released the deploy lock of bob"));
        // Had bob's run been alive after all (paused), it learns at its end that its lock was broken.
        await DeployRun.FinishAsync(dead, ["Rollback"], false, "went on after its lock was broken");
        Assert.That(bobSaid.Text, Does.Contain("This run's deploy lock was no longer its own when it ended").And.Contain("--target=Verify"));

        var audit = await File.ReadAllTextAsync(Path.Combine(_h.Env.ArtifactsDir, "audit.log"));
        Assert.That(audit, Does.Contain("operator=alice target=Deploy version=91.1.0 result=succeeded"));
        Assert.That(audit, Does.Contain("target=RollNode version=91.1.0 result=failed"));
        Assert.That(audit, Does.Contain($"target=Unlock version=91.1.0 result=succeeded subject=bob/Rollback/{Environment.MachineName}/{Environment.ProcessId}"), "breaking a lock is on record");
    }

    [Test, DependsOnTest(nameof(A_second_deploy_is_refused_by_the_lock_naming_its_holder), AllowFailure = true)]
    public async Task An_apply_that_changes_the_hosts_during_a_roll_is_refused_by_the_lock_before_terraform_runs()
    {
        var scaleOut = new Dictionary<string, string> { ["var"] = "app_nodes=4", ["version"] = DeployHarness.NextN };
        var holder = _h.Env.NewRun(new Dictionary<string, string> { ["version"] = DeployHarness.NextN, ["as"] = "alice" });
        await (await DeployRun.ForAsync(holder)).LockAsync("RollNode", DeployHarness.NextN);
        try
        {
            // The lb host's sshd stopped meanwhile (alice's connection lives on): Apply starts it again, then asks for the lock.
            var lbSshd = Path.Combine(Path.GetDirectoryName(_h.Inventory.SingleWithRole("lb").BaseDir)!, "sshd.pid");
            ProcessSignal.SendToPidFile("KILL", lbSshd);

            // A second Deploy with another --var, while alice rolls: refused before Terraform adds a node or reloads HAProxy.
            var error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Deploy", DeployHarness.NextN, async run =>
            {
                await new Provision.PlanStep(run).RunAsync();
                return await new LockedApplyStep(run).RunAsync(["Deploy"]);
            }, ("var", "app_nodes=4")));
            Assert.That(error!.Message, Does.Contain("alice").And.Contain("RollNode").And.Contain("Nothing was changed"));
            Assert.That(_h.LastOutput.Text, Does.Contain("[lb] started sshd"));

            // A Deploy that changes no host is refused there too, before SeedKeys changes the circle on every host.
            var noChange = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Deploy", DeployHarness.NextN, async run =>
            {
                await new Provision.PlanStep(run).RunAsync();
                return await new LockedApplyStep(run).RunAsync(["Deploy"]);
            }));
            Assert.That(noChange!.Message, Does.Contain("alice"));
        }
        finally
        {
            await DeployRun.FinishAsync(holder, ["RollNode"], true, null);
            await StartSshdUnlessListeningAsync(_h.Inventory.SingleWithRole("lb")); // an Apply that failed before starting it
        }

        var unchanged = await new Provision.PlanStep(_h.Env.NewRun()).RunAsync();
        Assert.That(unchanged.HasResourceChanges, Is.False, "Terraform applied nothing: " + unchanged.Describe());
        Assert.That(Inventory.Load(_h.Env.NewRun().Layout.InventoryFile).AppNodes.Count(), Is.EqualTo(3));

        // Once the lock is free, the same Apply takes it, and the run carries on with the hosts it made: web-4 serves too.
        var apply = _h.Env.NewRun(scaleOut);
        var web4 = new RecordingReporter();
        try
        {
            await new Provision.PlanStep(apply).RunAsync();
            await new LockedApplyStep(apply).RunAsync(["Deploy"]);
            var lb = _h.Inventory.SingleWithRole("lb");
            Assert.That(await File.ReadAllTextAsync(Path.Combine(lb.BaseDir, "deploy.lock")), Does.Contain("\"target\": \"Deploy\""), "held since Apply");
            var deploy = DeployRun.Current(apply)!;
            var added = deploy.Inventory.AppNodes.Single(n => n.Name == "web-4");
            Assert.That(await (await deploy.Pool.GetAsync(added)).RunCheckedAsync("echo reached", "asking web-4"), Does.Contain("reached"));
            await new RollNodeStep(apply).RunAsync(target: "Deploy");
            Assert.That(NodeRelease.Parse(await File.ReadAllTextAsync(Path.Combine(added.BaseDir, "current.json")))!.Version, Is.EqualTo(DeployHarness.NextN));
        }
        finally
        {
            await DeployRun.FinishAsync(apply, ["Deploy"], true, null);
        }

        // A reviewed scale-in plan gone stale (the state moved on since): Terraform refuses it after web-4 was drained,
        // and web-4, which still runs, goes back into the pool rather than staying out of it.
        var review = _h.Env.NewRun(new Dictionary<string, string> { ["var"] = "app_nodes=3" });
        await new Provision.PlanStep(review).RunAsync();
        var stalePlan = Path.Combine(_h.Env.Scratch, "scale-in.tfplan");
        File.Copy(review.Layout.PlanFile, stalePlan, overwrite: true);
        var moveOn = _h.Env.NewRun(new Dictionary<string, string> { ["var"] = "app_nodes=4", ["replace"] = "terraform_data.haproxy_backends" });
        await new Provision.PlanStep(moveOn).RunAsync();
        await new Provision.ApplyStep(moveOn).RunAsync();
        var staleSaid = new RecordingReporter(TestContext.Progress);
        var stale = _h.Env.NewRun(new Dictionary<string, string> { ["plan"] = stalePlan, ["target"] = "Apply" }, reporter: staleSaid);
        try
        {
            var refused = await Assert.ThrowsAsync<PlatformException>(() => new LockedApplyStep(stale).RunAsync());
            Assert.That(refused!.Message, Does.Contain("stale"));
        }
        finally
        {
            await DeployRun.FinishAsync(stale, ["Apply"], false, "stale");
        }

        Assert.That(staleSaid.Text, Does.Match(@"web-4_808[12]: drained and in maintenance").And.Match(@"web-4_808[12]: back in the pool \(Terraform did not remove web-4\)"));
        var asking = await DeployRun.ForAsync(_h.Env.NewRun());
        try
        {
            var haproxy = await asking.HaproxyAsync();
            await Poll.UntilAsync(
                async () => (await haproxy.ShowStatAsync()).Any(st => st.Server.StartsWith("web-4_", StringComparison.Ordinal) && st.Status.StartsWith("UP", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(15),
                TimeSpan.FromMilliseconds(100),
                "web-4 did not serve again");
        }
        finally
        {
            await asking.DisposeAsync();
        }

        // Stopped (Ctrl+C) once web-4 was drained, before Terraform ran: web-4 goes back into the pool, and Terraform is not started.
        using (var stop = new CancellationTokenSource())
        {
            var reviewed = _h.Env.NewRun(new Dictionary<string, string> { ["var"] = "app_nodes=3" });
            await new Provision.PlanStep(reviewed).RunAsync();
            var scaleIn = Path.Combine(_h.Env.Scratch, "scale-in-stopped.tfplan");
            File.Copy(reviewed.Layout.PlanFile, scaleIn, overwrite: true);
            File.Copy(Provision.RememberedVariables.BesidePlan(reviewed.Layout.PlanFile), Provision.RememberedVariables.BesidePlan(scaleIn), overwrite: true);
            var stoppedSaid = new RecordingReporter(new CancelOnLine("drained and in maintenance", stop));
            var stopping = _h.Env.NewRun(new Dictionary<string, string> { ["plan"] = scaleIn, ["target"] = "Apply" }, reporter: stoppedSaid, cancellation: stop.Token);
            try
            {
                Assert.That(async () => await new LockedApplyStep(stopping).RunAsync(), Throws.InstanceOf<OperationCanceledException>());
            }
            finally
            {
                await DeployRun.FinishAsync(stopping, ["Apply"], false, "stopped");
            }

            Assert.That(stoppedSaid.Text, Does.Match(@"web-4_808[12]: back in the pool \(Terraform did not remove web-4\)"), stoppedSaid.Text);
            Assert.That(Inventory.Load(_h.Env.NewRun().Layout.InventoryFile).AppNodes.Count(), Is.EqualTo(4), "Terraform did not run");
        }

        // Scaling in under load: web-4 leaves HAProxy's pool drained before Terraform stops it.
        var load = await _h.UnderLoadAsync(async () =>
        {
            var shrink = _h.Env.NewRun(new Dictionary<string, string> { ["var"] = "app_nodes=3", [Provision.DestructionGuard.AllowArgument] = "true" }, reporter: web4);
            try
            {
                await new Provision.PlanStep(shrink).RunAsync();
                await new LockedApplyStep(shrink).RunAsync();
            }
            finally
            {
                await DeployRun.FinishAsync(shrink, ["Apply"], true, null);
            }
        });

        Assert.That(load.Failed, Is.Zero, load + "\n" + web4.Text);
        Assert.That(web4.Text, Does.Match(@"web-4_808[12]: drained and in maintenance: its node goes with this plan"));
        Assert.That(File.Exists(Path.Combine(_h.Inventory.SingleWithRole("lb").BaseDir, "deploy.lock")), Is.False, "released at the end of the run");
        var audited = (await File.ReadAllLinesAsync(Path.Combine(_h.Env.ArtifactsDir, "audit.log"))).Where(l => l.Contains("target=Apply", StringComparison.Ordinal)).ToList();
        Assert.That(audited.Where(l => l.Contains("result=failed", StringComparison.Ordinal)), Has.Exactly(1).Contains("planned="), "the stale plan, which Terraform refused");
        var applies = audited.Where(l => !l.Contains("result=failed", StringComparison.Ordinal)).ToList();
        Assert.That(applies, Has.Count.EqualTo(2), "the Apply refused by the lock changed nothing and is not audited as a change");
        Assert.That(applies[0], Does.Contain("result=succeeded changed=+terraform_data.host[\"web-4\"]"));
        Assert.That(applies[1], Does.Contain("result=succeeded changed=").And.Contain("-terraform_data.host[\"web-4\"]"));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(_h.Inventory.SingleWithRole("lb").BaseDir, "audit.log")), Does.Contain(applies[0]), "on the lb host too");
        Assert.That(Inventory.Load(_h.Env.NewRun().Layout.InventoryFile).AppNodes.Count(), Is.EqualTo(3));
    }

    [Test, DependsOnTest(nameof(An_apply_that_changes_the_hosts_during_a_roll_is_refused_by_the_lock_before_terraform_runs), AllowFailure = true)]
    public async Task A_release_that_never_gets_ready_leaves_every_node_on_its_release()
    {
        PlatformException? error = null;
        var load = await _h.UnderLoadAsync(async () =>
            error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("RollNode", DeployHarness.NeverReady, run => new RollNodeStep(run).RunAsync(), ("ready-timeout", "4"))));

        Assert.That(error!.Message, Does.Contain("web-1").And.Contain("ready"));
        Assert.That(error.Message, Does.Contain("503").And.Contain("fault injected: never-ready"), "the slot's last answer, body included, says why");
        Assert.That(load.Failed, Is.Zero, load.ToString());
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
        // --surge=1 (the default) started it ahead on web-2 while web-1 waited: stopped unused; web-3 never got it.
        Assert.That(_h.LastOutput.Text, Does.Contain("web-2: skipped (an earlier node failed)").And.Contain($"web-2: {DeployHarness.NeverReady} started ahead on its idle slot is stopped unused (it was skipped; it never took traffic)"));
        Assert.That(_h.LastOutput.Text, Does.Contain("web-3: skipped (an earlier node failed)"));
        foreach (var node in _h.Inventory.AppNodes)
        {
            Assert.That(LiveSlots(node), Has.Count.EqualTo(1), $"{node.Name}: only the slot serving N has a process; {SlotsDescribed(node)}\n{_h.LastOutput.Text}");
        }

        // The report marks the node that failed, at the phase it failed in.
        Assert.That(_h.LatestReport(), Does.Match(@"\| web-1 \|[^\n]*\| \d+\.\d\d \(failed\) \|").And.Contain("(failed): the phase failed"));
    }

    [Test, DependsOnTest(nameof(A_release_that_never_gets_ready_leaves_every_node_on_its_release), AllowFailure = true)]
    public async Task A_roll_stopped_by_its_deadline_puts_the_node_back_and_stops_what_started_ahead()
    {
        PlatformException? error = null;
        var load = await _h.UnderLoadAsync(async () =>
            error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("RollNode", DeployHarness.NeverReady, run => new RollNodeStep(run).RunAsync(), ("ready-timeout", "60"), ("progress-deadline", "8"))));

        Assert.That(error!.Message, Does.Contain("progress deadline"));
        Assert.That(_h.LastOutput.Text, Does.Contain($"[roll] web-1: waiting for {DeployHarness.NeverReady} on port").And.Contain("s of --ready-timeout=60)"), "a long wait says it is still going");
        Assert.That(_h.LastOutput.Text, Does.Contain("web-1: interrupted (the progress deadline ran out); kept on " + DeployHarness.NextN));
        Assert.That(_h.LastOutput.Text, Does.Match($@"web-1 +ok=\d+ changed=\d+ failed=1 skipped=0  reverted \(the progress deadline ran out\): kept on {DeployHarness.NextN}"), "the recap lists every node with how it ended");
        Assert.That(_h.LastOutput.Text, Does.Match(@"web-3 +ok=\d+ changed=0 failed=0 skipped=1  skipped: the progress deadline ran out"));
        Assert.That(load.Failed, Is.Zero, load.ToString());
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
        foreach (var node in _h.Inventory.AppNodes)
        {
            Assert.That(LiveSlots(node), Has.Count.EqualTo(1), $"{node.Name}: neither the interrupted start nor the one ahead is left running; {SlotsDescribed(node)}\n{_h.LastOutput.Text}");
        }
    }

    [Test, DependsOnTest(nameof(A_roll_stopped_by_its_deadline_puts_the_node_back_and_stops_what_started_ahead), AllowFailure = true)]
    public async Task A_deadline_that_runs_out_while_the_nodes_are_asked_is_reported_as_the_deadline()
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("RollNode", DeployHarness.NeverReady, run => new RollNodeStep(run).RunAsync(), ("progress-deadline", "0.001")));

        Assert.That(error!.Message, Does.Contain("progress deadline"));
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
        foreach (var node in _h.Inventory.AppNodes)
        {
            Assert.That(_h.LastOutput.Text, Does.Match($@"{node.Name} +ok=\d+ changed=0 failed=0 skipped=1  skipped: the progress deadline ran out, while the nodes were asked"), "the recap says of each node why nothing was done");
        }
    }

    [Test, DependsOnTest(nameof(A_deadline_that_runs_out_while_the_nodes_are_asked_is_reported_as_the_deadline), AllowFailure = true)]
    public async Task A_slot_port_taken_by_a_process_platform_did_not_start_there_fails_the_start_and_the_node_stays()
    {
        // A stranger (an orphan whose pid file was lost) holds web-1's idle port: it would answer the
        // readiness checks for the new process, which cannot bind.
        var web1 = _h.Inventory.Host("web-1");
        var active = int.Parse(Path.GetFileName(Path.GetDirectoryName(Directory.GetFiles(Path.Combine(web1.BaseDir, "slots"), "pid", SearchOption.AllDirectories).Single())!), System.Globalization.CultureInfo.InvariantCulture);
        var idle = active == 8081 ? 8082 : 8081;
        var stranger = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse(web1.Address), idle);
        stranger.Start();
        try
        {
            var error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("RollNode", DeployHarness.NeverReady, run => new RollNodeStep(run).RunAsync(), ("ready-timeout", "4")));

            Assert.That(error!.Message, Does.Contain($"port {idle} on {web1.Address} is taken by a process that").And.Contain("does not name"));
            Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
        }
        finally
        {
            stranger.Stop();
        }

        Assert.That(Directory.GetFiles(Path.Combine(web1.BaseDir, "slots"), "pid", SearchOption.AllDirectories), Has.Length.EqualTo(1), "nothing was started beside it");
    }

    [Test, DependsOnTest(nameof(A_slot_port_taken_by_a_process_platform_did_not_start_there_fails_the_start_and_the_node_stays), AllowFailure = true)]
    public async Task Rollback_returns_every_node_to_N_with_no_request_lost()
    {
        IReadOnlyList<PhaseSpan> spans = [];
        var load = await _h.UnderLoadAsync(() => _h.RunAsync("Rollback", DeployHarness.N, async run =>
        {
            var result = await new RollbackStep(run).RunAsync();
            spans = DeployRun.Current(run)!.Timeline.Spans;
            return result;
        }));

        Assert.That(load.Failed, Is.Zero, load.ToString());
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.N));

        // --surge=1: N starts on web-2 while web-1 is still being switched and checked, but web-2's
        // traffic moves only once web-1 passed its check.
        PhaseSpan Span(string node, string phase) => spans.Single(x => x.Node == node && x.Phase == phase);
        Assert.That(Span("web-2", "start").StartSeconds, Is.LessThan(Span("web-1", "verify").EndSeconds), "started ahead");
        Assert.That(Span("web-2", "drain").StartSeconds, Is.GreaterThanOrEqualTo(Span("web-1", "verify").EndSeconds), "switched in turn");
        Assert.That(Span("web-3", "drain").StartSeconds, Is.GreaterThanOrEqualTo(Span("web-2", "verify").EndSeconds), "switched in turn");
    }

    [Test, DependsOnTest(nameof(Rollback_returns_every_node_to_N_with_no_request_lost), AllowFailure = true)]
    public async Task The_naive_restart_strategy_loses_requests()
    {
        var load = await _h.UnderLoadAsync(() => _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync(), ("strategy", "restart")));

        Assert.That(load.Failed, Is.GreaterThan(0), "the harness must be able to see downtime: " + load);
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
    }

    [Test, DependsOnTest(nameof(The_naive_restart_strategy_loses_requests), AllowFailure = true)]
    public async Task A_restart_whose_release_does_not_start_says_how_to_bring_the_nodes_back_and_that_brings_them_back()
    {
        // Three ways a start in place fails: web-1's release never gets ready, web-2's cannot be started (its
        // app folder is gone), web-3's exits at once. The restart strategy has stopped what each node served.
        var nodes = _h.Inventory.AppNodes.Select(n => new NodeLayout(n)).ToDictionary(n => n.Node.Name);
        await _h.RunAsync("Stage", DeployHarness.NeverReady, run => new StageStep(run).RunAsync());
        var web2App = nodes["web-2"].AppDir(DeployHarness.NeverReady);
        var web3Exe = Path.Combine(nodes["web-3"].AppDir(DeployHarness.NeverReady), "Catalog.Service");
        Directory.Move(web2App, web2App + ".aside");
        File.Move(web3Exe, web3Exe + ".aside");
        await File.WriteAllTextAsync(web3Exe, "#!/bin/sh\necho 'cannot start: simulated' >&2\nexit 1\n");
        File.SetUnixFileMode(web3Exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("RollNode", DeployHarness.NeverReady, run => new RollNodeStep(run).RunAsync(), ("strategy", "restart"), ("ready-timeout", "2")));

            Assert.That(error!.Message, Does.Contain($"RollNode to {DeployHarness.NeverReady} failed on web-1, web-2, web-3"));
            Assert.That(error.Message, Does.Contain("those nodes serve nothing now").And.Contain("Roll them again with the default strategy (RollNode --version= the release to run)"));
            Assert.That(_h.LastOutput.Text, Does.Contain($"[restart] web-1: failed: {DeployHarness.NextN} was stopped and {DeployHarness.NeverReady} is not ready"));
            Assert.That(_h.LastOutput.Text, Does.Contain($"[restart] web-2: failed: {DeployHarness.NextN} may be stopped, and {DeployHarness.NeverReady} did not start"));
            Assert.That(_h.LastOutput.Text, Does.Contain($"[restart] web-3: failed: {DeployHarness.NextN} was stopped and {DeployHarness.NeverReady} is not ready"));
            Assert.That(error.Message, Does.Contain("last log lines:").And.Contain("cannot start: simulated"), "why web-3's release exited");

            // As the message says: a roll with the default strategy to the release to run. Each node is rolled, web-1
            // too, whose record still names the release it served while the one that failed runs on that slot.
            var back = await _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync());

            Assert.That(back.Nodes.Select(n => n.Outcome), Is.All.EqualTo(Outcome.Changed), _h.LastOutput.Text);
            Assert.That(_h.LastOutput.Text, Does.Not.Contain("nothing to roll"));
            Assert.That(_h.LastOutput.Text, Does.Contain($"web-1: its record says {DeployHarness.NextN} on").And.Contain($"but {DeployHarness.NeverReady} runs there"));
        }
        finally
        {
            // Recording N+1 prunes the releases a node no longer keeps: what is left of this one may be gone already.
            if (File.Exists(web3Exe + ".aside"))
            {
                File.Move(web3Exe + ".aside", web3Exe, overwrite: true);
            }

            if (Directory.Exists(web2App + ".aside"))
            {
                Directory.Move(web2App + ".aside", web2App);
            }
        }

        await _h.RunAsync("Verify", DeployHarness.NextN, run => new VerifyStep(run).RunAsync());
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
        await _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync());
        Assert.That(_h.LastOutput.Text, Does.Contain("nothing to roll"), "once back, there is nothing left to roll");
        foreach (var node in _h.Inventory.AppNodes)
        {
            Assert.That(LiveSlots(node), Has.Count.EqualTo(1), $"{node.Name}: only the slot serving N+1 has a process; {SlotsDescribed(node)}");
        }
    }

    [Test, DependsOnTest(nameof(A_restart_whose_release_does_not_start_says_how_to_bring_the_nodes_back_and_that_brings_them_back), AllowFailure = true)]
    public async Task Killing_one_nodes_process_under_load_loses_no_GET()
    {
        var victim = _h.Inventory.Host("web-2");
        var load = await _h.UnderLoadAsync(async () =>
        {
            await Task.Delay(1000);
            var pid = Pids()["web-2"];
            ProcessSignal.Send("9", pid);
            await Task.Delay(3000);
        });

        await TestContext.Progress.WriteLineAsync($"kill -9 of {victim.Name}'s process under load: {load.Failed} failed of {load.Requests}");
        Assert.That(load.Failed, Is.Zero, load.ToString());
    }

    [Test, DependsOnTest(nameof(Killing_one_nodes_process_under_load_loses_no_GET), AllowFailure = true)]
    public async Task After_the_contract_migration_rollback_to_N_is_refused()
    {
        await _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync());
        // Not while a node still runs N, which the contract would break: refused, nothing applied.
        await _h.RunAsync("RollNode", DeployHarness.N, run => new RollNodeStep(run).RunAsync(), ("node", "web-2"));
        // Most nodes run N+1 already; web-2, back on N, is still proven on N+1's schema before a Deploy rolls it.
        await _h.RunAsync("CheckCompatibility", DeployHarness.NextN, async run =>
        {
            await new CheckCompatibilityStep(run).RunAsync();
            return true;
        });
        Assert.That(_h.LastOutput.Text, Does.Contain($"Running the smoke tests of release {DeployHarness.N} against {_h.Inventory.ServiceUrl} (proving {DeployHarness.N} still works on {DeployHarness.NextN}'s schema"));
        var early = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("ContractDb", DeployHarness.NextN, run => new ContractDbStep(run).RunAsync()));
        Assert.That(early!.Message, Does.Contain($"Refusing to contract the database for {DeployHarness.NextN}: web-2 runs {DeployHarness.N}").And.Contain("Nothing was changed"));
        var migrate = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("MigrateDb", DeployHarness.NextN, run => new CheckedMigrateDbStep(run).RunAsync(), ("phase", "contract")));
        Assert.That(migrate!.Message, Does.Contain("Refusing to contract"), "MigrateDb --phase=contract is refused the same way");
        // --force passes over it (asked in check mode, which contracts nothing).
        var forced = new RecordingReporter();
        var unforced = new RecordingReporter();
        foreach (var (reporter, arguments) in new[] { (forced, new Dictionary<string, string> { ["target"] = "ContractDb", ["force"] = "true" }), (unforced, new Dictionary<string, string> { ["target"] = "ContractDb" }) })
        {
            var check = _h.Env.NewRun(arguments, checkMode: true, reporter: reporter);
            try
            {
                await ContractReadiness.CheckAsync(check, DeployHarness.NextN);
            }
            finally
            {
                await DeployRun.FinishAsync(check, ["ContractDb"], true, null);
            }
        }

        Assert.That(unforced.Text, Does.Contain($"Check mode: the real run would refuse to contract for {DeployHarness.NextN}: web-2 runs {DeployHarness.N}"));
        Assert.That(forced.Text, Does.Not.Contain("refuse to contract"), "--force");
        await _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync(), ("node", "web-2"));
        // A node whose record is damaged (a full disk) and whose slots do not say what they run may still run N: refused too.
        var web1 = new NodeLayout(_h.Inventory.AppNodes.First(n => n.Name == "web-1"));
        var record = await File.ReadAllTextAsync(web1.CurrentFile);
        var slotReleases = Directory.GetFiles(Path.Combine(web1.BaseDir, "slots"), "release", SearchOption.AllDirectories);
        foreach (var file in slotReleases)
        {
            File.Move(file, file + ".aside");
        }

        await File.WriteAllTextAsync(web1.CurrentFile, "{\"version\": ");
        try
        {
            var unknown = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("ContractDb", DeployHarness.NextN, run => new ContractDbStep(run).RunAsync()));
            Assert.That(unknown!.Message, Does.Contain($"Refusing to contract the database for {DeployHarness.NextN}: what web-1 (").And.Contain("runs cannot be told (its record is damaged)"));
        }
        finally
        {
            await File.WriteAllTextAsync(web1.CurrentFile, record);
            foreach (var file in slotReleases)
            {
                File.Move(file + ".aside", file);
            }
        }

        // A contract runs under the deploy lock, as a roll does: beside another run holding it (a Rollback to N, which the
        // contract would break), it is refused before it checks or changes anything.
        var bob = _h.Env.NewRun(new Dictionary<string, string> { ["version"] = DeployHarness.N, ["as"] = "bob" });
        await (await DeployRun.ForAsync(bob)).LockAsync("Rollback", DeployHarness.N);
        try
        {
            var locked = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("ContractDb", DeployHarness.NextN, run => new ContractDbStep(run).RunAsync()));
            Assert.That(locked!.Message, Does.Contain("Another run holds the deploy lock of this environment: bob").And.Contain("Rollback"));
        }
        finally
        {
            await DeployRun.FinishAsync(bob, ["Rollback"], true, null);
        }

        // Left for later, it says what is left.
        var later = await _h.RunAsync("Deploy", DeployHarness.NextN, run => new ContractDbStep(run).RunAsync(), ("contract", "false"));
        Assert.That(later.Pending, Is.EqualTo(new[] { "V4__drop_items_search_name.sql" }));
        Assert.That(_h.LastOutput.Text, Does.Contain("--contract=false: contract migrations left for later (V4__drop_items_search_name.sql; MigrateDb --phase=contract runs them)"));
        await _h.RunAsync("Deploy", DeployHarness.NextN, run => new ContractDbStep(run).RunAsync());
        Assert.That(await File.ReadAllTextAsync(_h.Env.NewRun().Layout.AuditLogFile), Does.Contain($"target=ContractDb version={DeployHarness.NextN} result=succeeded changed=V4__drop_items_search_name.sql"), "a contract is audited like a roll");

        var error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Rollback", DeployHarness.N, run => new RollbackStep(run).RunAsync()));

        Assert.That(error!.Message, Does.Contain("contracted past it").And.Contain("V4__drop_items_search_name.sql"));
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
        // A refusal that offers the releases the nodes ran names the one the contract rules out as well.
        var offered = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Rollback", "0.0.1", run => new RollbackStep(run).RunAsync()));
        Assert.That(offered!.Message, Does.Contain("0.0.1 is not one of them").And.Contain($"Among the releases named, the database was contracted past {DeployHarness.N} (V4__drop_items_search_name.sql applied): going back to it is refused too, unless --force."));

        // RollNode to N (one node or all) would break the same way: refused before any node is touched.
        var pids = Pids();
        var rolled = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("RollNode", DeployHarness.N, run => new RollNodeStep(run).RunAsync(), ("node", "web-1")));
        Assert.That(rolled!.Message, Does.Contain("contracted past it").And.Contain("Nothing was changed"));
        Assert.That(Pids(), Is.EqualTo(pids));

        // So is Stage, which a Deploy runs before RollNode: nothing is uploaded for a release that would break.
        var staged = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Stage", DeployHarness.N, run => new StageStep(run).RunAsync()));
        Assert.That(staged!.Message, Does.Contain("contracted past it"));
    }

    [Test, DependsOnTest(nameof(After_the_contract_migration_rollback_to_N_is_refused), AllowFailure = true)]
    public async Task Contracting_again_once_the_contract_is_applied_is_not_refused_by_a_node_on_another_release()
    {
        // web-2 forced back onto N past the contract (an operator's choice): a node on another release, which
        // refuses a contract only while one is pending. Every one N+1 ships is applied: nothing left to break.
        await _h.RunAsync("RollNode", DeployHarness.N, run => new RollNodeStep(run).RunAsync(), ("node", "web-2"), ("force", "true"));
        var audit = Path.Combine(_h.Env.ArtifactsDir, "audit.log");
        var audited = (await File.ReadAllLinesAsync(audit)).Length;
        try
        {
            var contract = await _h.RunAsync("Deploy", DeployHarness.NextN, run => new ContractDbStep(run).RunAsync());
            Assert.That(contract.Applied, Is.Empty);
            var migrate = await _h.RunAsync("MigrateDb", DeployHarness.NextN, run => new CheckedMigrateDbStep(run).RunAsync(), ("phase", "contract"));
            Assert.That(migrate.Applied, Is.Empty);
            Assert.That(_h.NodeVersions()["web-2"], Is.EqualTo(DeployHarness.N), "the node on another release was there all along");
        }
        finally
        {
            await _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync(), ("node", "web-2"));
        }

        Assert.That((await File.ReadAllLinesAsync(audit)).Skip(audited).Where(l => l.Contains("Contract", StringComparison.Ordinal) || l.Contains("MigrateDb", StringComparison.Ordinal)), Is.Empty, "nothing applied, nothing audited as a change");
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
    }

    [Test, DependsOnTest(nameof(Contracting_again_once_the_contract_is_applied_is_not_refused_by_a_node_on_another_release), AllowFailure = true)]
    public async Task A_record_left_behind_by_a_run_that_died_after_its_switch_is_corrected_from_HAProxy()
    {
        // web-1 serves N+1 on its slot; a run that died after switching and before its record would have
        // left the record naming the other slot, with N. A roll going by that record would take the
        // serving slot for its idle one (and stop it while it serves).
        var web1 = _h.Inventory.Host("web-1");
        var currentFile = Path.Combine(web1.BaseDir, "current.json");
        var serving = NodeRelease.Parse(await File.ReadAllTextAsync(currentFile))!;
        var other = serving.Slot == 8081 ? 8082 : 8081;
        await File.WriteAllTextAsync(currentFile, new NodeRelease(DeployHarness.N, other, DateTimeOffset.UtcNow, []).ToJson());
        var pids = Pids();

        // Rollback and CheckCompatibility, which ask what runs, see what serves rather than the stale record.
        var asking = await DeployRun.ForAsync(_h.Env.NewRun());
        var seen = await RunningRelease.ReadAllAsync(asking, CancellationToken.None);
        await asking.DisposeAsync();
        Assert.That((seen["web-1"]!.Version, seen["web-1"]!.Slot), Is.EqualTo((DeployHarness.NextN, serving.Slot)));

        var load = await _h.UnderLoadAsync(() => _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync()));

        Assert.That(load.Failed, Is.Zero, load.ToString());
        Assert.That(_h.LastOutput.Text, Does.Contain($"web-1: its record says {DeployHarness.N} on {other} (not running), but HAProxy sends its traffic to {serving.Slot}, which runs {DeployHarness.NextN}"));
        // The slot that served unrecorded is not trusted: N+1 starts afresh on the other slot, checked, and only
        // then does the serving slot stop. The other nodes, whose records agree, are left alone.
        var fixedRecord = NodeRelease.Parse(await File.ReadAllTextAsync(currentFile))!;
        Assert.That((fixedRecord.Version, fixedRecord.Slot), Is.EqualTo((DeployHarness.NextN, other)));
        Assert.That(fixedRecord.Previous, Does.Contain(DeployHarness.N));
        var now = Pids();
        Assert.That(now["web-1"], Is.Not.EqualTo(pids["web-1"]));
        Assert.That(now.Where(p => p.Key != "web-1"), Is.EquivalentTo(pids.Where(p => p.Key != "web-1")));
    }

    [Test, DependsOnTest(nameof(A_record_left_behind_by_a_run_that_died_after_its_switch_is_corrected_from_HAProxy), AllowFailure = true)]
    public async Task After_the_database_crashed_apply_starts_it_and_verify_passes_at_once()
    {
        var data = Path.Combine(_h.Env.StateDir, "hosts", "db", "pgdata");
        data = File.ResolveLinkTarget(data, false) is { } external ? Path.Combine(external.FullName, "pgdata") : data;
        ProcessSignal.SendToPidFile("QUIT", Path.Combine(data, "postmaster.pid"));

        // Until HAProxy has taken every slot out: their readiness checks answered 503 meanwhile. (No request is
        // sent through it: one served while the database is away is an error Verify rightly counts.)
        var asking = await DeployRun.ForAsync(_h.Env.NewRun());
        try
        {
            var lb = await asking.HaproxyAsync();
            await Poll.UntilAsync(
                async () => !(await lb.ShowStatAsync(CancellationToken.None)).Any(s => s.Status.StartsWith("UP", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(15),
                TimeSpan.FromMilliseconds(200),
                "HAProxy kept a slot UP while the database was down");
        }
        finally
        {
            await asking.DisposeAsync();
        }

        await _h.Env.ApplyAsync();
        Assert.That(_h.Env.Reporter.Text, Does.Contain("[db] started postgres"));

        // Right away, and without --version: the release most nodes run is checked, HAProxy's slots are awaited
        // back UP, and the 503s the readiness checks answered are no errors served.
        var said = new RecordingReporter(TestContext.Progress);
        var verify = _h.Env.NewRun(reporter: said);
        try
        {
            await new VerifyStep(verify).RunAsync();
        }
        finally
        {
            await DeployRun.FinishAsync(verify, ["Verify"], true, null);
        }

        Assert.That(said.Text, Does.Contain($"No --version: checking {DeployHarness.NextN}, the release most nodes run."));
        Assert.That(said.Text, Does.Not.Contain("FAILED"));
    }

    // The lb host's sshd dies with the run's connection while the run holds the lock: the run still ends with its
    // audit line, and says that the lock stays held and how to free it, instead of crashing in Cake's teardown.
    [Test, DependsOnTest(nameof(After_the_database_crashed_apply_starts_it_and_verify_passes_at_once), AllowFailure = true)]
    public async Task A_run_that_loses_the_lb_host_still_audits_and_names_the_lock_it_could_not_release()
    {
        var said = new RecordingReporter(TestContext.Progress);
        var run = _h.Env.NewRun(new Dictionary<string, string> { ["version"] = DeployHarness.NextN }, reporter: said);
        await (await DeployRun.ForAsync(run)).LockAsync("RollNode", DeployHarness.NextN);
        var lbSshd = Path.Combine(Path.GetDirectoryName(_h.Inventory.SingleWithRole("lb").BaseDir)!, "sshd.pid");
        var pid = (await File.ReadAllTextAsync(lbSshd)).Trim();
        // The listener and the connections it forked, this run's among them.
        await LocalTools.BashAsync($"pkill -KILL -P {pid}; kill -KILL {pid}");
        try
        {
            await DeployRun.FinishAsync(run, ["RollNode"], false, "the lb host went away");

            Assert.That(said.Text, Does.Contain("This run's deploy lock could not be released on the lb host").And.Contain("--target=Unlock"));
            Assert.That(File.ReadAllLines(run.Layout.AuditLogFile)[^1], Does.Contain("target=RollNode").And.Contain($"version={DeployHarness.NextN}").And.Contain("result=failed"));
        }
        finally
        {
            await _h.Env.ApplyAsync();
            await _h.RunAsync("Unlock", DeployHarness.NextN, unlock => new UnlockStep(unlock).RunAsync(), ("force", "true"));
        }
    }

    [Test, DependsOnTest(nameof(A_run_that_loses_the_lb_host_still_audits_and_names_the_lock_it_could_not_release), AllowFailure = true)]
    public async Task Destroy_is_refused_while_another_run_holds_the_deploy_lock()
    {
        var holder = _h.Env.NewRun(new Dictionary<string, string> { ["as"] = "alice" });
        await (await DeployRun.ForAsync(holder)).LockAsync("RollNode", DeployHarness.NextN);
        try
        {
            var error = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Destroy", DeployHarness.NextN, async run =>
            {
                await new LockedDestroyStep(run).RunAsync();
                return true;
            }));

            Assert.That(error!.Message, Does.Contain("alice").And.Contain("Nothing was changed"));

            // Without its inventory (a fresh CI workspace) the lb host is found again from Terraform's state: still refused.
            var inventory = _h.Env.NewRun().Layout.InventoryFile;
            File.Move(inventory, inventory + ".aside");
            var withoutInventory = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Destroy", DeployHarness.NextN, async run =>
            {
                await new LockedDestroyStep(run).RunAsync();
                return true;
            }));
            Assert.That(withoutInventory!.Message, Does.Contain("alice"));
            Assert.That(_h.LastOutput.Text, Does.Contain("was missing: written again from Terraform's state"));
            Assert.That(File.ReadAllText(inventory), Is.EqualTo(File.ReadAllText(inventory + ".aside")), "the same inventory");

            // A damaged one (truncated by a full disk) too, and it is kept for a look.
            await File.WriteAllTextAsync(inventory, string.Empty);
            var damagedInventory = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("Apply", DeployHarness.NextN, async run =>
            {
                await new Provision.PlanStep(run).RunAsync();
                return await new LockedApplyStep(run).RunAsync();
            }, ("var", "app_nodes=4")));
            Assert.That(damagedInventory!.Message, Does.Contain("alice"));
            Assert.That(_h.LastOutput.Text, Does.Contain("could not be read").And.Contain("written again from Terraform's state").And.Contain("inventory.json.damaged"));
            Assert.That(File.ReadAllText(inventory), Is.EqualTo(File.ReadAllText(inventory + ".aside")));
            Assert.That(File.ReadAllText(inventory + ".damaged"), Is.Empty);
            File.Delete(inventory + ".aside");
            File.Delete(inventory + ".damaged");

            // Check mode takes no lock, but says the real run would be refused.
            var said = new RecordingReporter();
            var check = _h.Env.NewRun(checkMode: true, reporter: said);
            try
            {
                await new LockedDestroyStep(check).RunAsync();
            }
            finally
            {
                await DeployRun.FinishAsync(check, ["Destroy"], true, null);
            }

            Assert.That(said.Text, Does.Contain("Check mode: another run holds the deploy lock (alice on").And.Contain("the real Destroy would be refused"));
        }
        finally
        {
            await DeployRun.FinishAsync(holder, ["RollNode"], true, null);
        }

        // An empty lock file (a run that died writing it) is still a lock: refused, then released and audited by Unlock.
        var lockFile = Path.Combine(_h.Inventory.SingleWithRole("lb").BaseDir, "deploy.lock");
        await File.WriteAllTextAsync(lockFile, string.Empty);
        var empty = await Assert.ThrowsAsync<PlatformException>(() => _h.RunAsync("RollNode", DeployHarness.NextN, run => new RollNodeStep(run).RunAsync()));
        Assert.That(empty!.Message, Does.Contain("deploy.lock on lb is empty").And.Contain("Unlock"));
        await _h.RunAsync("Unlock", DeployHarness.NextN, run => new UnlockStep(run).RunAsync());
        Assert.That(File.Exists(lockFile), Is.False);
        Assert.That(await File.ReadAllTextAsync(Path.Combine(_h.Env.ArtifactsDir, "audit.log")), Does.Contain("target=Unlock version=unknown result=succeeded"));

        Assert.That(File.Exists(_h.Env.NewRun().Layout.InventoryFile), "the environment is still there");
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
    }

    // Last: it destroys the environment (the fixture's teardown would).
    [Test, DependsOnTest(nameof(Destroy_is_refused_while_another_run_holds_the_deploy_lock), AllowFailure = true)]
    public async Task Destroy_against_an_lb_host_that_refuses_the_login_is_refused_naming_why_and_goes_ahead_with_force()
    {
        var layout = _h.Env.NewRun().Layout;
        var audit = Path.Combine(_h.Env.ArtifactsDir, "audit.log");
        var inventory = await File.ReadAllTextAsync(layout.InventoryFile);
        var lb = _h.Inventory.SingleWithRole("lb");
        Task Destroy(params (string Key, string Value)[] args) => _h.RunAsync("Destroy", DeployHarness.NextN, async run =>
        {
            await new LockedDestroyStep(run).RunAsync();
            return true;
        }, args);

        // Stopped (Ctrl+C) once it holds the lock, before Terraform destroys anything: the lock on the lb host, which is
        // still there, is released (it used to stay, refusing the Destroy run again), and the audit says interrupted.
        using (var stop = new CancellationTokenSource())
        {
            var stopping = _h.Env.NewRun(new Dictionary<string, string> { ["target"] = "Destroy" }, reporter: new RecordingReporter(new CancelOnLine("Deploy lock taken", stop)), cancellation: stop.Token);
            Exception? stopped = null;
            try
            {
                await new LockedDestroyStep(stopping).RunAsync();
            }
            catch (Exception e)
            {
                stopped = e;
            }
            finally
            {
                await DeployRun.FinishAsync(stopping, ["Destroy"], false, "stopped");
            }

            Assert.That(stopped, Is.InstanceOf<OperationCanceledException>().Or.InstanceOf<PlatformException>());

            Assert.That(File.Exists(Path.Combine(lb.BaseDir, "deploy.lock")), Is.False, "the lock released on the lb host");
            Assert.That((await File.ReadAllLinesAsync(audit))[^1], Does.Contain("target=Destroy").And.Contain("result=interrupted"));
            Assert.That(File.Exists(layout.InventoryFile), "nothing destroyed");
        }

        var audited = (await File.ReadAllLinesAsync(audit)).Length;

        // The lb host answers with another host key than the inventory pins (as after a rebuild, or an attack).
        var pinned = Inventory.Load(layout.InventoryFile);
        Provision.InventoryBuilder.Write(pinned with { Hosts = [.. pinned.Hosts.Select(h => h.Name == "lb" ? h with { HostKeyFingerprint = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } : h)] }, layout.InventoryFile);
        var changedKey = await Assert.ThrowsAsync<PlatformException>(() => Destroy());
        Assert.That(changedKey!.Message, Does.Contain("could not log in to the lb host lb").And.Contain("does not match the inventory").And.Contain("Nothing was changed").And.Contain("--force"));
        Assert.That(changedKey.Message, Does.Not.Contain("cannot be reached"));
        await File.WriteAllTextAsync(layout.InventoryFile, inventory);

        // The lb host no longer takes the deploy key (removed from its authorized_keys by hand).
        var deployKey = (await File.ReadAllTextAsync(layout.DeployKeyFile + ".pub")).Split(' ')[1];
        var keys = await File.ReadAllLinesAsync(lb.AuthorizedKeysFile);
        await File.WriteAllLinesAsync(lb.AuthorizedKeysFile, keys.Where(k => !k.Contains(deployKey, StringComparison.Ordinal)));
        var refused = await Assert.ThrowsAsync<PlatformException>(() => Destroy());
        Assert.That(refused!.Message, Does.Contain("could not log in to the lb host lb").And.Contain("refused the login").And.Contain("Nothing was changed").And.Contain("--force"));
        Assert.That(refused.Message, Does.Not.Contain("cannot be reached"));
        Assert.That(await File.ReadAllTextAsync(layout.InventoryFile), Is.EqualTo(inventory), "nothing was changed");
        Assert.That(_h.NodeVersions().Values, Is.All.EqualTo(DeployHarness.NextN));
        Assert.That((await File.ReadAllLinesAsync(audit)).Skip(audited), Has.None.Contain("target=Destroy"), "a refused Destroy is no change on record");

        await _h.Env.DestroyAsync(() => Destroy(("force", "true")));

        Assert.That(_h.LastOutput.Text, Does.Contain("Destroying without the deploy lock (--force): the lb host lb could not be asked who holds it"));
        Assert.That(File.Exists(layout.InventoryFile), Is.False);
        Assert.That(Directory.Exists(Path.Combine(_h.Env.StateDir, "hosts")), Is.False);
        Assert.That((await File.ReadAllLinesAsync(audit)).Skip(audited).Where(l => l.Contains("target=Destroy", StringComparison.Ordinal)).ToList(),
            Has.Count.EqualTo(1).And.All.Contain("result=succeeded").And.All.Contain("overrides=force"), "the override is on record");
    }

    // The slots whose pid file names a live process (not a zombie): what "has a process" means.
    private static List<string> LiveSlots(InventoryHost node) =>
        [.. Directory.GetFiles(Path.Combine(node.BaseDir, "slots"), "pid", SearchOption.AllDirectories).Where(f => Alive(File.ReadAllText(f).Split(' ', '\n')[0]))];

    private static bool Alive(string pid) =>
        File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat") is var stat && stat[(stat.LastIndexOf(')') + 2)..] is var rest && rest.Length > 0 && rest[0] is not ('Z' or 'X');

    private static string SlotsDescribed(InventoryHost node) =>
        string.Join("; ", Directory.GetFiles(Path.Combine(node.BaseDir, "slots"), "pid", SearchOption.AllDirectories).Select(f => $"{f}: '{File.ReadAllText(f).Trim()}' ({(Alive(File.ReadAllText(f).Split(' ', '\n')[0]) ? "alive" : "dead")})"));

    // The pid of each app node's process (serving: of the slot its record names, when another runs beside it).
    private Dictionary<string, string> Pids(bool serving = false) =>
        _h.Inventory.AppNodes.ToDictionary(
            n => n.Name,
            n => Directory.GetFiles(Path.Combine(n.BaseDir, "slots"), "pid", SearchOption.AllDirectories)
                .Where(f => !serving || Path.GetFileName(Path.GetDirectoryName(f)) == NodeRelease.Parse(File.ReadAllText(Path.Combine(n.BaseDir, "current.json")))!.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Select(f => File.ReadAllText(f).Split(' ', '\n')[0]).Single());

    // A host's sshd, as the local environment starts it, unless something listens on its port already; waits until it listens.
    private static Task StartSshdUnlessListeningAsync(InventoryHost host)
    {
        var hostDir = Path.GetDirectoryName(host.AuthorizedKeysFile)!;
        var listening = $"(exec 3<>/dev/tcp/{host.Address}/{host.SshPort}) 2>/dev/null";
        return LocalTools.BashAsync($"{listening} && exit 0; /usr/sbin/sshd -f {hostDir}/sshd_config -E {hostDir}/sshd.log; for i in $(seq 200); do {listening} && exit 0; sleep 0.02; done");
    }
}
