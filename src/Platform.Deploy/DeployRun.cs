using System.Runtime.CompilerServices;
using Platform.Core;
using Platform.Load;
using Platform.Release;
using Platform.Reports;
using Platform.Secrets;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// What the deploy steps of one run share: the inventory, one SSH session per host (opened once,
/// reused by RollNode, Verify and Rollback), HAProxy's runtime API, the deploy lock and the phase
/// timeline. Created on first use (after Apply, when the inventory exists) and finished by
/// <see cref="FinishAsync"/> in Cake's Teardown: lock released, audit line written, report saved.
/// </summary>
public sealed class DeployRun : IAsyncDisposable
{
    private static readonly ConditionalWeakTable<RunContext, DeployRun> Runs = new();
    private readonly RunContext _run;
    private SshRuntimeApiChannel? _haproxy;

    private DeployRun(RunContext run, Inventory inventory, SshSessionPool pool, ReleaseStore releases)
    {
        _run = run;
        Inventory = inventory;
        Pool = pool;
        Releases = releases;
        _report = new RunReport(run, Timeline);
        Lock = new RunLock(run, Timeline);
    }

    private readonly RunReport _report;

    /// <summary>The hosts as this run knows them: loaded when the run began, renewed by <see cref="AdoptAsync"/> after an Apply.</summary>
    public Inventory Inventory { get; private set; }

    public SshSessionPool Pool { get; }

    public ReleaseStore Releases { get; }

    public PhaseTimeline Timeline { get; } = new();

    /// <summary>The deploy lock as this run holds it (taken by <see cref="LockAsync"/>, released by <see cref="FinishAsync"/>).</summary>
    public RunLock Lock { get; }

    /// <summary>The version the run deploys, once known (for the audit line).</summary>
    public string? Version { get; set; }

    /// <summary>Load measured while this run deployed (benchmark, tests): drawn under the timeline in the report.</summary>
    public LoadGenerator? Load { get; set; }

    /// <summary>Notes what a step around the roll did, for the report's "Steps" (a migration applied, the compatibility proof).</summary>
    public void Note(string step) => _report.Note(step);

    public IProcessManager Processes => Inventory.ProcessManager == "systemd" ? new SystemdProcessManager() : new DetachedProcessManager();

    public static async Task<DeployRun> ForAsync(RunContext run)
    {
        // SSH.NET blocks threads (uploads waiting for the channel window, forwarded ports): with a
        // connection per host in flight, the default pool (one thread per core, growing by one each
        // half second) starves.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));

        if (Runs.TryGetValue(run, out var existing))
        {
            return existing;
        }

        var inventory = Inventory.Load(run.InventoryFile);
        var store = SecretStoreFactory.Create(run);
        var identity = DeployIdentity.Load(run.Layout.DeployKeyFile);
        var mode = SshCertificates.For(run);
        var credentials = await DeployCredentials.ResolveAsync(run, identity, mode, () => SshCertificates.Signer(run, store), inventory.Hosts[0].SshUser);
        var created = new DeployRun(run, inventory, new SshSessionPool(new SshConnector(credentials)), new ReleaseStore(run.Layout.ReleasesDir));
        Runs.AddOrUpdate(run, created);
        created.Prewarm();
        return created;
    }

    // Connect to the lb and every app node at once, in the background: the steps that follow need
    // them all, and a handshake each in turn would cost a quarter of a second per host.
    private void Prewarm()
    {
        foreach (var host in Inventory.Hosts.Where(h => h.HasRole("app") || h.HasRole("lb")))
        {
            _ = Timeline.MeasureAsync(host.Name, "connect", () => Pool.GetAsync(host, _run.Cancellation)).ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        _run.Reporter.Verbose($"SSH connected to {host.Name} ({t.Result.Negotiated})");
                    }

                    return t.Exception;
                },
                TaskScheduler.Default);
        }
    }

    public static DeployRun? Current(RunContext run) => Runs.TryGetValue(run, out var existing) ? existing : null;

    /// <summary>Forgets the run's DeployRun (closing its sessions), so that the next step loads the inventory afresh. Not while it holds the lock.</summary>
    public static async Task DropAsync(RunContext run)
    {
        if (Current(run) is { } current && !current.Lock.Held)
        {
            Runs.Remove(run);
            await current.DisposeAsync();
        }
    }

    public async Task<NodeSession> NodeAsync(InventoryHost host) => new(await Pool.GetAsync(host, _run.Cancellation), new NodeLayout(host));

    public async Task<HostSession> LbAsync(CancellationToken? cancellation = null) => await Pool.GetAsync(Inventory.SingleWithRole("lb"), cancellation ?? _run.Cancellation);

    public async Task<HaproxyRuntime> HaproxyAsync()
    {
        var lb = Inventory.LoadBalancer ?? throw new PlatformException($"The {Inventory.Environment} inventory has no 'loadBalancer' section.");
        var session = await Pool.GetAsync(Inventory.Host(lb.Host), _run.Cancellation);
        lock (Pool)
        {
            // One conversation with HAProxy for the whole run (see SshRuntimeApiChannel).
            _haproxy ??= new SshRuntimeApiChannel(session, lb.RuntimeApi);
            return new HaproxyRuntime(_haproxy, lb.Backend);
        }
    }

    public IReadOnlyList<int> SlotPorts => Inventory.LoadBalancer?.SlotPorts ?? [8081, 8082];

    /// <summary>Takes the environment's deploy lock for this run (once; later calls are no-ops). No version: an Apply's, the holder shows "-".</summary>
    public Task LockAsync(string target, string? version)
    {
        Version ??= version;
        return Lock.TakeAsync(() => LbAsync(), target, version);
    }

    /// <summary>
    /// The inventory an Apply of this run wrote, taken over by the run (which may hold the lock since
    /// before it): sessions to hosts the plan replaced or destroyed, or whose address or host key
    /// changed, are closed (the next use connects to the new machine); the runtime API connection
    /// is reopened on first use, HAProxy may have been reloaded. A lock on an lb host that was
    /// replaced went with it: the next step that needs the lock takes it on the new one.
    /// </summary>
    public async Task AdoptAsync(Inventory applied, IReadOnlySet<string> replacedHosts)
    {
        var moved = Inventory.Hosts
            .Where(old => replacedHosts.Contains(old.Name) || applied.Hosts.FirstOrDefault(h => h.Name == old.Name) is not { } now || !SameMachine(old, now))
            .Select(h => h.Name)
            .ToList();
        foreach (var name in moved)
        {
            await Pool.ForgetAsync(name);
        }

        lock (Pool)
        {
            _haproxy?.Dispose();
            _haproxy = null;
        }

        if (Lock.Held && Inventory.LoadBalancer is { } lb && moved.Contains(lb.Host))
        {
            _run.Reporter.Warn($"The lb host {lb.Host} was replaced, and the deploy lock with it: taking it again on the new one.");
            Lock.Forget();
        }

        Inventory = applied;
    }

    /// <summary>The environment's hosts were destroyed: their sessions are closed, and the lock went with the lb host.</summary>
    public async Task ForgetHostsAsync()
    {
        foreach (var host in Inventory.Hosts)
        {
            await Pool.ForgetAsync(host.Name);
        }

        lock (Pool)
        {
            _haproxy?.Dispose();
            _haproxy = null;
        }

        Lock.Forget();
    }

    private static bool SameMachine(InventoryHost a, InventoryHost b) =>
        a.Address == b.Address && a.SshPort == b.SshPort && a.SshUser == b.SshUser && a.HostKeyFingerprint == b.HostKeyFingerprint;

    /// <summary>A fresh recap for the next step (each step prints its own), kept for the report under <paramref name="title"/>.</summary>
    public Recap NewRecap(IEnumerable<string> hosts, string title) => _report.NewRecap(hosts, title);

    /// <summary>
    /// Ends the run: releases the lock, appends the audit line for deploying targets, writes the
    /// report, revokes the run's Vault login. Safe to call when no deploy step ran (then it only audits refused/failed targets).
    /// </summary>
    public static async Task FinishAsync(RunContext run, IReadOnlyList<string> targets, bool succeeded, string? error)
    {
        var deploying = targets.Where(TargetNames.Rollouts.Contains).ToList();
        var current = Current(run);
        // A token of its own: after Ctrl+C (the run's token cancelled) the lock is released and the audit line written all the same.
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            if (current is null && deploying.Count == 0)
            {
                return;
            }

            HostSession? lb = null;
            try
            {
                // Needed for the lock or the audit line only: a Destroy's lb host is gone.
                lb = current is not null && (current.Lock.Held || deploying.Count > 0) ? await current.LbAsync(cleanup.Token) : null;
            }
            catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
            {
                var locked = current?.Lock.Held == true ? $"; this run's deploy lock stays held there: run ./build.sh --target=Unlock --environment={run.Environment} once the lb host is back" : string.Empty;
                run.Reporter.Warn($"The lb host is unreachable; the audit line is written locally only{locked} ({ex.Message})");
            }

            if (current is not null && lb is not null)
            {
                try
                {
                    await current.Lock.ReleaseAsync(lb, cleanup.Token);
                }
                catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
                {
                    // The connection to the lb host broke during the run: the report and the audit line are still written.
                    run.Reporter.Warn($"This run's deploy lock could not be released on the lb host ({ex.Message}): it stays held. Run ./build.sh --target=Unlock --environment={run.Environment} once the lb host answers again.");
                    lb = null;
                }
            }

            // Reports are of rollouts and their checks: an Unlock or a MigrateDb on its own writes none.
            if (current is not null && current.Timeline.Spans.Count > 0 && !run.CheckMode && (deploying.Count > 0 || targets.Contains("Verify")))
            {
                // Named after what ran: the deploying targets, else Verify (a Verify on its own is no "Deploy").
                current._report.Write(deploying.Count > 0 ? string.Join("+", deploying) : "Verify", current.Version, current.Load, succeeded, error);
            }

            if (deploying.Count > 0 && !run.CheckMode)
            {
                // Stopped by Ctrl+C, SIGTERM or a CI timeout, as against failing on its own: the audit tells them apart.
                var result = succeeded ? "succeeded" : run.Cancellation.IsCancellationRequested ? "interrupted" : "failed";
                var version = current?.Version ?? run.Arguments.Get("version") ?? await DefaultVersionAsync(run, deploying);
                var line = AuditLog.Line(DateTimeOffset.UtcNow, run.Operator, string.Join("+", deploying), version, result, run.CiBuild, run.Arguments.Get("node"), overrides: AuditLog.Overrides(run.Arguments));
                await AuditLog.RecordAsync(run, lb is null ? null : _ => Task.FromResult<HostSession?>(lb), line);
            }
        }
        finally
        {
            if (current is not null)
            {
                Runs.Remove(run);
                await current.DisposeAsync();
            }

            await SecretStoreFactory.EndRunAsync(run);
        }
    }

    // A run that failed before it knew its version (a Deploy stopped at Package) still names the one it was
    // deploying: git's, as it would have taken. Rollback chooses its own from the nodes: not known here.
    private static async Task<string> DefaultVersionAsync(RunContext run, IReadOnlyList<string> deploying)
    {
        if (deploying.Contains("Rollback"))
        {
            return "-";
        }

        try
        {
            return await ReleaseVersion.ResolveAsync(run);
        }
        catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
        {
            return "-";
        }
    }

    public ValueTask DisposeAsync()
    {
        _haproxy?.Dispose();
        return Pool.DisposeAsync();
    }
}
