using Platform.Core;
using Platform.Migrate;
using Platform.Release;
using Platform.Secrets;

namespace Platform.Deploy;

/// <summary>
/// Replaces release N by N+1 on the app nodes, node after node (or K at a time), with no request
/// lost: N+1 starts on the node's idle slot; once ready HAProxy sends it traffic, N's slot drains
/// (until its sessions reach 0 or the drain timeout) and goes to maintenance; N+1 passes a quick
/// compliance check; only then N is stopped and the node records its release. If N+1 is not ready
/// or fails the check, N's slot is put back, N+1 is stopped, and no further node is rolled.
/// With <c>--surge</c>, N+1 already starts on the next nodes' idle slots (no traffic) while the
/// nodes before them switch; if a node fails, N+1 started ahead is stopped unused.
/// Nodes already on the version are left alone (a no-op deploy restarts nothing).
/// </summary>
public sealed class RollingDeployer(RunContext run, DeployRun deploy)
{
    private IReporter Out => run.Reporter;

    private PhaseTimeline Timeline => deploy.Timeline;

    /// <param name="locking">The deploy lock being taken: the nodes are read meanwhile, nothing changes before it is held.</param>
    public Task<RollResult> RollAsync(RollOptions options, PackagedRelease release, Task? locking = null) =>
        ProgressDeadline.RunAsync(run, options, "roll", token => RollWithinAsync(options, release, locking, token));

    private async Task<RollResult> RollWithinAsync(RollOptions options, PackagedRelease release, Task? locking, CancellationToken token)
    {
        var nodes = RollOptions.SelectNodes(deploy.Inventory, options.Node);
        var recap = deploy.NewRecap(nodes.Select(n => n.Name), Recap.TitleFor(options.Target, run.CheckMode));
        var haproxy = deploy.HaproxyAsync();

        // The service's settings (read from the database) while the nodes are asked what they run.
        var envFile = run.CheckMode ? null : EnvFileAsync(token);
        _ = envFile?.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed even when discovery fails first
        var guard = new ContractGuard(run, deploy, token, locking);
        // Each node is asked as soon as its own connection is up; HAProxy once for all of them.
        var states = await new NodeDiscovery(run, deploy).DiscoverOrSayStoppedAsync(nodes, () => ShowStatAsync(haproxy, token), options.Version, locking, recap, token);
        var lb = await haproxy;
        await guard.CheckAsync(release, NodeDiscovery.Running(states));
        // A node on the version but with other settings than the environment's (the database moved, a
        // password changed) still runs with the old ones, read at its start: it is rolled, which restarts it.
        var settings = envFile is null ? null : await envFile;
        bool Done(NodeState s) => s.UpToDate && (settings is null || s.Probe.HasSettings(settings));
        var outcomes = new List<NodeOutcome>();
        foreach (var state in states.Where(Done))
        {
            outcomes.Add(await KeepAsync(state, lb, recap, options, token));
        }

        var toRoll = states.Where(s => !Done(s)).ToList();
        foreach (var stale in toRoll.Where(s => s.UpToDate))
        {
            Out.Info($"[roll] {stale.Node.Name}: runs {options.Version} with other settings than the environment's: rolled, to start with the current ones");
        }

        if (toRoll.Count == 0)
        {
            Out.Info($"Every node already runs {options.Version}: nothing to roll.");
            recap.Print(Out);
            return new RollResult(outcomes);
        }

        if (run.CheckMode)
        {
            foreach (var s in toRoll)
            {
                var from = s.Current is null || s.ActiveSlot is null ? "nothing running" : $"{s.Current.Version} on {s.ActiveSlot}";
                Out.Info($"[roll] {s.Node.Name}: would change ({from} -> {options.Version} on {s.IdleSlot(deploy.SlotPorts)})");
                recap.Record(s.Node.Name, Outcome.Changed);
                recap.Conclude(s.Node.Name, $"would roll to {options.Version}");
                outcomes.Add(new NodeOutcome(s.Node.Name, Outcome.Changed, "would roll"));
            }

            recap.Print(Out);
            return new RollResult(outcomes);
        }

        // Uploads go in roll order, a few at a time (at least a batch), so the first batch's arrive
        // soon; each node is rolled as soon as its own upload is done, and later uploads overlap the roll.
        var batchSize = options.EffectiveBatchSize(deploy.Inventory.AppNodes.Count());
        using var uploads = new UploadQueue(run, Timeline, release, options.Strategy == RollStrategy.Restart ? toRoll.Count : Math.Max(batchSize, options.UploadParallel), token);
        var prepared = toRoll.ToDictionary(s => s.Node.Name, s => uploads.UploadAsync(s, settings, recap, "upload"));
        var finishing = new List<Task>();
        using var roll = new RollInFlight(toRoll, prepared, lb, options, recap, finishing, token);

        try
        {
            if (options.Strategy == RollStrategy.Restart)
            {
                Out.Warn($"--strategy=restart: {toRoll.Count} node(s) stop what they run and start {options.Version} in its place, all at once (the naive baseline: requests fail meanwhile, and a node whose {options.Version} does not get ready serves nothing; --batch-size and --surge do not apply)");
                await Task.WhenAll(prepared.Values);
                outcomes.AddRange(await Task.WhenAll(toRoll.Select(s => new InPlaceRestarter(run, deploy).RestartAsync(s, lb, options, recap, token))));
            }
            else
            {
                Out.Info($"Rolling {toRoll.Count} node(s) to {options.Version}, {batchSize} at a time{(batchSize < options.BatchSize ? $" (not {options.BatchSize}: of {deploy.Inventory.AppNodes.Count()} app nodes, one always keeps serving)" : string.Empty)}{(options.Surge > 0 ? $", N+1 starting ahead on the next {options.Surge}" : string.Empty)}");
                outcomes.AddRange(await RollWindow.RunAsync(toRoll, batchSize, s => RollPreparedAsync(s, roll), s => Skip(s, roll), token));
            }

            await Task.WhenAll(finishing);
        }
        finally
        {
            // However the roll ended (a failure, the deadline, Ctrl+C): N+1 started ahead on a node whose
            // turn never came is stopped; stops, records and uploads in flight end before the sessions do.
            foreach (var (node, start) in roll.ClaimAllUnturned())
            {
                roll.Finish(DiscardAsync(node, start, roll, "the roll ended before its turn"));
            }

            await Task.WhenAll(roll.Pending().Concat(prepared.Values).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            // Printed however it ended: after an interruption or a failed stop, the recap says where each node is.
            recap.Print(Out);
        }

        return new RollResult(outcomes);
    }

    // The next nodes (--surge) start N+1 now, on their idle slot and out of the pool, so that it is
    // ready when their turn comes; a node whose upload failed is a failed node; otherwise it is rolled.
    private async Task<NodeOutcome> RollPreparedAsync(NodeState s, RollInFlight roll)
    {
        foreach (var next in roll.Order.SkipWhile(n => !ReferenceEquals(n, s)).Skip(1).Take(roll.Options.Surge))
        {
            roll.StartOf(next, (node, token) => StartReadyAsync(node, roll, token));
        }

        try
        {
            await roll.Prepared[s.Node.Name];
        }
        catch (PlatformException ex)
        {
            Out.Error($"[upload] {s.Node.Name}: failed ({ex.Message})");
            roll.Recap.Record(s.Node.Name, Outcome.Failed);
            roll.Recap.Conclude(s.Node.Name, "failed: its upload failed");
            return new NodeOutcome(s.Node.Name, Outcome.Failed, ex.Message);
        }
        catch (OperationCanceledException) when (roll.Token.IsCancellationRequested)
        {
            // Stopped while its upload was still on the way: nothing of it changed, so it counts as not rolled.
            return Skip(s, roll);
        }

        return await RollNodeAsync(s, roll);
    }

    // Not rolled because an earlier node failed or the roll was stopped: N+1, if it was started ahead there, is stopped unused.
    private NodeOutcome Skip(NodeState s, RollInFlight roll)
    {
        var why = RollStop.Why(run, roll.Token);
        Out.Info($"[roll] {s.Node.Name}: skipped ({why})");
        if (roll.ClaimUnturned(s) is { } start)
        {
            roll.Finish(DiscardAsync(s, start, roll, "it was skipped"));
        }

        roll.Recap.Record(s.Node.Name, Outcome.Skipped);
        roll.Recap.Conclude(s.Node.Name, $"skipped: {why}");
        return new NodeOutcome(s.Node.Name, Outcome.Skipped, $"not rolled: {why}");
    }

    // The start was cancelled (or ended); whatever it left on the idle slot is stopped. With a token of
    // its own: after Ctrl+C too. A failure here is reported, not thrown over the roll's own outcome.
    private async Task DiscardAsync(NodeState s, NodeStart start, RollInFlight roll, string why)
    {
        await start.Task.ContinueWith(_ => { }, TaskScheduler.Default);
        var idle = s.IdleSlot(deploy.SlotPorts);
        // Said only of a start that launched the process (one still waiting for its upload launched nothing);
        // the idle slot is stopped either way.
        if (start.Launched)
        {
            Out.Info($"[roll] {s.Node.Name}: {roll.Options.Version} started ahead on its idle slot is stopped unused ({why}; it never took traffic)");
        }

        using var cleanup = new CancellationTokenSource(roll.Options.StopTimeout + TimeSpan.FromSeconds(30));
        try
        {
            await deploy.Processes.StopAsync(s.Node, idle, roll.Options.StopTimeout, cleanup.Token);
        }
        catch (Exception ex)
        {
            Out.Error($"[roll] {s.Node.Name}: could not stop {roll.Options.Version} started ahead on port {idle} ({ex.Message}); it takes no traffic, and the next roll stops it");
        }
    }

    // Once the node has the release: N+1 on the idle slot (kept out of HAProxy's pool), then ready; its
    // pid. Cancelling a start that will not be used stops the waits, never the start command itself:
    // a process spawned without its pid file written could not be stopped.
    private async Task<int> StartReadyAsync(NodeState s, RollInFlight roll, CancellationToken token)
    {
        await roll.Prepared[s.Node.Name].WaitAsync(token);
        token.ThrowIfCancellationRequested();
        var (node, version) = (s.Node, roll.Options.Version);
        var idle = s.IdleSlot(deploy.SlotPorts);
        var pid = await Timeline.MeasureAsync(node.Name, "start", async () =>
        {
            await roll.Lb.SetStateAsync(node.Layout.ServerName(idle), SlotState.Maint, roll.Token);
            return await deploy.Processes.StartAsync(node, version, idle, roll.Token);
        });
        roll.MarkLaunched(s);
        Report(roll.Recap, node.Name, "start", Outcome.Changed, $"{version} on port {idle}, pid {pid}");

        var lbShell = new NodeSession(await deploy.LbAsync(), new NodeLayout(deploy.Inventory.SingleWithRole("lb")));
        var (ready, detail) = await Timeline.MeasureAsync(node.Name, "ready", () => ProgressTicker.WhileAsync(
            () => ReadinessWait.UntilReadyForLbAsync(node, lbShell, idle, pid, roll.Options.ReadyTimeout, token), ReadyProgress.Every, ReadyProgress.StillWaiting(Out, node.Name, version, idle, roll.Options.ReadyTimeout), token), r => r.Ready ? null : "failed");
        if (!ready)
        {
            throw new NodeRollException(node.Name, "ready", $"{version} did not become ready on port {idle}: {detail}{await NodeLog.TailAsync(node, version, idle, token)}");
        }

        Report(roll.Recap, node.Name, "ready", Outcome.Ok, $"/health/ready answered 200 on port {idle}, on the node and from the lb");
        return pid;
    }

    private static async Task<IReadOnlyList<ServerStat>> ShowStatAsync(Task<HaproxyRuntime> haproxy, CancellationToken token) =>
        await (await haproxy).ShowStatAsync(token);

    // A node already on the version: make sure HAProxy sends it traffic on its slot and only there, and
    // that nothing runs on the other slot (in check mode: say what would be fixed).
    private async Task<NodeOutcome> KeepAsync(NodeState s, HaproxyRuntime lb, Recap recap, RollOptions options, CancellationToken token)
    {
        var node = s.Node;
        var slot = s.ActiveSlot!.Value;
        var active = node.Layout.ServerName(slot);
        var fixes = new List<(string What, Func<Task> Do)>();
        foreach (var stat in s.Stats)
        {
            if (stat.Server == active && (stat.IsMaintenance || stat.IsDraining))
            {
                fixes.Add(($"{active} back in the pool", () => lb.ActivateAsync(active, node.Address, slot, token)));
            }
            else if (stat.Server != active && !stat.IsMaintenance)
            {
                fixes.Add(($"{stat.Server} to maintenance", () => lb.SetStateAsync(stat.Server, SlotState.Maint, token)));
            }
        }

        // N+1 left on the idle slot by a run that died before it switched (or before it stopped N there).
        foreach (var (port, stray) in s.Probe.RunningBeside(slot))
        {
            fixes.Add(($"{stray}: {(run.CheckMode ? "would be stopped" : "stopped")}", async () => await deploy.Processes.StopAsync(node, port, options.StopTimeout, token)));
        }

        if (!run.CheckMode)
        {
            foreach (var (_, fix) in fixes)
            {
                await fix();
            }
        }

        var outcome = fixes.Count == 0 ? Outcome.Ok : Outcome.Changed;
        var said = fixes.Count == 0 ? "ok" : run.CheckMode ? "would change" : "changed";
        Out.Info($"[roll] {node.Name}: {said} (already runs {s.Current!.Version} on {slot}{(fixes.Count == 0 ? string.Empty : "; " + string.Join(", ", fixes.Select(f => f.What)))})");
        recap.Record(node.Name, outcome);
        recap.Conclude(node.Name, $"already on {s.Current.Version}");
        return new NodeOutcome(node.Name, outcome, $"already on {s.Current.Version}");
    }

    private async Task<NodeOutcome> RollNodeAsync(NodeState s, RollInFlight roll)
    {
        var (node, lb, options, recap, token) = (s.Node, roll.Lb, roll.Options, roll.Recap, roll.Token);
        var version = options.Version;
        var idle = s.IdleSlot(deploy.SlotPorts);
        var idleServer = node.Layout.ServerName(idle);
        var activeServer = s.ActiveSlot is { } a ? node.Layout.ServerName(a) : null;
        var switched = false; // from here on HAProxy may send the node's traffic to N+1
        Task<Stream>? checkConnection = null;
        try
        {
            var start = roll.StartOf(s, (n, t) => StartReadyAsync(n, roll, t));
            start.Turned = true;
            var readyAhead = start.Task.IsCompletedSuccessfully;
            var pid = await start.Task;
            if (readyAhead)
            {
                // Ready before its turn: asked once more, as a process may have died while it waited.
                var (ready, detail) = await ReadinessWait.UntilReadyAsync(node, idle, pid, options.ReadyTimeout, token);
                if (!ready)
                {
                    throw new NodeRollException(node.Name, "ready", $"{version} started ahead on port {idle} is no longer ready: {detail}");
                }
            }

            // The check's connection to the new slot (a relay on the node) is opened while traffic moves.
            checkConnection = RemoteHttp.ConnectAsync(node, idle, token);
            await Timeline.MeasureAsync(node.Name, "drain", async () =>
            {
                switched = true;
                await lb.ActivateAsync(idleServer, node.Address, idle, token);
                if (activeServer is not null)
                {
                    var sessions = await lb.DrainAsync(activeServer, options.DrainTimeout, token);
                    Report(recap, node.Name, "drain", Outcome.Changed, $"traffic on {idleServer}; {activeServer} drained{(sessions > 0 ? $" with {sessions} session(s) left at the timeout" : string.Empty)} and in maintenance");
                }
                else
                {
                    Report(recap, node.Name, "drain", Outcome.Changed, $"traffic on {idleServer}");
                }
            });

            await Timeline.MeasureAsync(node.Name, "verify", () => SwitchCheck.RunAsync(node, lb, idle, idleServer, version, checkConnection, token));
            Report(recap, node.Name, "verify", Outcome.Ok, $"serves {version}, UP in HAProxy, no error logged");
        }
        catch (Exception ex)
        {
            // Whatever went wrong (a check that failed, the deadline, Ctrl+C, or an SSH connection that
            // dropped mid-way), traffic goes back to N before anything else happens.
            // Put back as it was: N's slot returns to the pool only if it was there before the roll. One in maintenance
            // (HAProxy restarted after a crash) stays there: N was not proven on the new schema (CheckCompatibility).
            var wasServing = activeServer is not null && s.Stats.Any(st => st.Server == activeServer && !st.IsMaintenance);
            var restored = await RevertAsync(node, lb, s.ActiveSlot, wasServing ? activeServer : null, idle, idleServer, switched, options);
            // What the node is left with: in the recap in short, on the console with what to do.
            var left = !restored ? "HAProxy not put back" : s.Current is not null && s.ActiveSlot is not null ? $"kept on {s.Current.Version}" : "nothing running";
            var kept = restored ? left : $"HAProxy could not be put back, so {version} keeps running on {idle} (its traffic may still go there): roll the node again once HAProxy answers";
            recap.Record(node.Name, Outcome.Failed);
            if (ex is OperationCanceledException)
            {
                // Ctrl+C or the progress deadline, named as the nodes skipped for the same reason name it.
                var why = RollStop.Why(run, token);
                Out.Error($"[roll] {node.Name}: interrupted ({why}); {kept}");
                recap.Conclude(node.Name, restored ? $"reverted ({why}): {left}" : $"interrupted ({why}): {left}");
                throw;
            }

            recap.Conclude(node.Name, $"failed: {left}");

            var reason = ex is PlatformException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            Out.Error($"[roll] {node.Name}: failed ({reason}); {kept}");
            return new NodeOutcome(node.Name, Outcome.Failed, reason);
        }
        finally
        {
            RemoteHttp.Release(checkConnection);
        }

        // N is out of the pool now: stopping it and recording the release overlap the next node's roll.
        recap.Conclude(node.Name, $"rolled to {version}");
        roll.Finish(FinishAsync(s, idle, version, recap, options));
        return new NodeOutcome(node.Name, Outcome.Changed, $"{s.Current?.Version ?? "nothing"} -> {version} on {idle}");
    }

    private async Task FinishAsync(NodeState s, int slot, string version, Recap recap, RollOptions options)
    {
        var node = s.Node;
        // With a token of its own: once traffic moved, the record must say so and N must stop, even when
        // the roll is interrupted now (a record naming the drained slot would mislead the next run).
        using var cleanup = new CancellationTokenSource(options.StopTimeout + TimeSpan.FromSeconds(30));
        var token = cleanup.Token;
        // The record names the new slot only, and pruning keeps every release a slot runs: neither waits for N to exit.
        var recording = ReleaseUploader.RecordRollAsync(node, s.Current, version, slot, options, token);
        if (s.ActiveSlot is { } old)
        {
            try
            {
                var killed = await deploy.Timeline.MeasureAsync(node.Name, "stop", () => deploy.Processes.StopAsync(node, old, options.StopTimeout, token));
                Report(recap, node.Name, "stop", Outcome.Changed, killed ? $"{s.Current!.Version} on {old} ignored SIGTERM and was killed" : $"{s.Current!.Version} on {old} stopped");
            }
            finally
            {
                await recording.ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await recording;
    }

    // With a token of its own: a node interrupted by the deadline or Ctrl+C is put back too.
    /// <returns>False when HAProxy could not be put back after the switch: N+1 is then left running, as it may be what serves the node.</returns>
    private async Task<bool> RevertAsync(NodeSession node, HaproxyRuntime lb, int? activeSlot, string? activeServer, int idle, string idleServer, bool switched, RollOptions options)
    {
        using var cleanup = new CancellationTokenSource(options.StopTimeout + TimeSpan.FromSeconds(30));
        try
        {
            if (activeServer is not null)
            {
                await lb.ActivateAsync(activeServer, node.Address, activeSlot!.Value, cleanup.Token);
            }

            await lb.SetStateAsync(idleServer, SlotState.Maint, cleanup.Token);
        }
        catch (Exception ex)
        {
            Out.Error($"[revert] {node.Name}: HAProxy could not be put back as it was: {ex.Message}");
            if (switched)
            {
                // N may be in maintenance with the traffic on N+1: stopping N+1 would leave the node serving nothing.
                return false;
            }
        }

        // Before the switch N+1 took no traffic: it is stopped even when HAProxy could not be told (most often
        // it is down), so that a release that failed its roll does not stay running beside the one the node serves.
        try
        {
            await deploy.Processes.StopAsync(node, idle, options.StopTimeout, cleanup.Token);
        }
        catch (Exception ex)
        {
            Out.Error($"[revert] {node.Name}: {options.Version} could not be stopped on slot {idle} and may still run there (Verify names it; a RollNode stops it): {ex.Message}");
        }

        return true;
    }

    private async Task<string> EnvFileAsync(CancellationToken token)
    {
        var database = await CatalogDatabase.OpenAsync(run, deploy.Inventory, SecretStoreFactory.Create(run), createMissing: false, token);
        if (!database.IsBootstrapped)
        {
            throw new PlatformException("The database has no service role yet: run MigrateDb first (Deploy does it before RollNode).");
        }

        return "# Written by Platform (RollNode). Mode 0600: it holds the database password.\n" + $"CATALOG_DB={database.AppConnectionString()}\n";
    }

    private void Report(Recap recap, string node, string task, Outcome outcome, string detail) => recap.Report(Out, node, task, outcome, detail);
}
