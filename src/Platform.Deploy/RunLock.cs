using System.Runtime.CompilerServices;
using Platform.Core;
using Platform.Reports;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// The environment's deploy lock as one run holds it: taken once, on the lb host, by the first step
/// that changes the environment; kept across the run's targets; released when the run ends. Check
/// mode takes none, but says once when a real run would be refused. Knows when it was taken and how
/// long before that another run had released it, so a step that asked the nodes meanwhile can ask again.
/// </summary>
public sealed class RunLock(RunContext run, PhaseTimeline timeline)
{
    // Runs whose check mode already said who holds the lock (once per run, even when its DeployRun was dropped).
    private static readonly ConditionalWeakTable<RunContext, object> Asked = new();
    private LockHolder? _held;

    public bool Held => _held is not null;

    /// <summary>When this run took the deploy lock (null: not taken).</summary>
    public DateTime? TakenUtc { get; private set; }

    /// <summary>How long before this run took the lock another run had released it (null: never, or unknown).</summary>
    public TimeSpan? ReleasedBefore { get; private set; }

    /// <summary>Takes the lock on <paramref name="lb"/> (once; later calls are no-ops). No version: an Apply's, the holder shows "-".</summary>
    public async Task TakeAsync(Func<Task<HostSession>> lb, string target, string? version)
    {
        if (run.CheckMode && Asked.TryAdd(run, this))
        {
            try
            {
                if (await new DeployLock(await lb()).HolderAsync(run.Cancellation) is { } holder)
                {
                    run.Reporter.Warn($"Check mode: another run holds the deploy lock ({DeployLock.Describe(holder)}): the real {target} would be refused until it ends (or Unlock releases it).");
                }
            }
            catch (PlatformException ex)
            {
                run.Reporter.Warn($"Check mode: whether another run holds the deploy lock cannot be asked ({ex.Message}).");
            }
        }

        if (_held is not null || run.CheckMode)
        {
            return;
        }

        var session = await lb();
        var deployLock = new DeployLock(session);
        (_held, ReleasedBefore) = await timeline.MeasureAsync(session.Host.Name, "lock", () => deployLock.AcquireAsync(run.Operator, target, version ?? "-", run.Cancellation));
        TakenUtc = DateTime.UtcNow;
        // Said whichever step takes it first (Apply, or a first Deploy's ExpandDb, RollNode, Rollback).
        run.Reporter.Info($"Deploy lock taken on {session.Host.Name}: no other run can roll out or change the hosts until this one ends.");
        run.Reporter.Verbose($"Deploy lock file: {deployLock.Path}");
    }

    /// <summary>Releases the lock when this run holds it.</summary>
    public async Task ReleaseAsync(HostSession lb, CancellationToken cancellation)
    {
        if (_held is { } held)
        {
            if (!await new DeployLock(lb).ReleaseAsync(held, cancellation))
            {
                // Broken while this run held it (Unlock --force on a run that seemed dead): another run may have changed the hosts meanwhile.
                run.Reporter.Warn($"This run's deploy lock was no longer its own when it ended: it was broken (Unlock --force) while the run went on, and another run may have changed the hosts since. Check them with ./build.sh --target=Verify --environment={run.Environment}.");
            }

            Forget();
        }
    }

    /// <summary>The lb host was replaced or destroyed, and the lock with it: the next step that needs it takes it anew.</summary>
    public void Forget()
    {
        _held = null;
        TakenUtc = null;
    }

    /// <summary>
    /// True when the nodes, asked at <paramref name="askedUtc"/> while the lock was being taken, may
    /// have been changed since: another run held the lock then and released it moments before this
    /// one got it (steps ask the nodes while taking the lock, to save the wait).
    /// </summary>
    public bool NodesMayHaveChangedSince(DateTime askedUtc) => MayHaveChanged(askedUtc, TakenUtc, ReleasedBefore);

    // The lock was taken after the nodes were asked, and released by another run after they were
    // asked (a tenth of a second's margin). Both sides are intervals on one clock each, so the lb's
    // clock need not agree with this machine's.
    internal static bool MayHaveChanged(DateTime askedUtc, DateTime? takenUtc, TimeSpan? releasedBefore) =>
        takenUtc is { } taken && taken >= askedUtc && releasedBefore is { } ago && ago <= taken - askedUtc + TimeSpan.FromMilliseconds(100);
}
