using Platform.Core;
using Platform.Provision;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// The Apply target as build.cake runs it: <see cref="ApplyStep"/> under the environment's deploy
/// lock. When the plan changes an environment that already has hosts, the lock is taken just before
/// Terraform runs (after stopped local hosts were started again), so that a second Deploy with other
/// <c>--var</c>s is refused before it adds a node or reloads HAProxy under a roll in progress. A Deploy
/// takes it there whatever the plan, so that SeedKeys and everything after run under it. An lb host
/// that cannot be reached cannot say who holds the lock: the Apply is refused, unless its plan makes
/// that host anew. An environment without hosts yet has no lb to hold a lock and nothing anyone could
/// be rolling. The run then carries on with the inventory Terraform wrote (<see cref="DeployRun.AdoptAsync"/>).
/// </summary>
public sealed class LockedApplyStep(RunContext run)
{
    private readonly List<string> _drained = [];

    /// <param name="targets">The run's targets: the lock names Deploy when Apply runs as part of one.</param>
    public async Task<Inventory?> RunAsync(IReadOnlyCollection<string>? targets = null)
    {
        var target = targets?.Contains("Deploy") == true ? "Deploy" : "Apply";
        await HostChangeLock.PreviewAsync(run, target);
        PlanSummary? applied = null;
        Inventory? inventory;
        try
        {
            inventory = await new ApplyStep(run, async (summary, applying) =>
            {
                if (applying || target == "Deploy")
                {
                    await LockAsync(target, summary);
                }

                if (applying)
                {
                    await DrainLeavingAsync(summary);
                }

                applied = applying ? summary : null;
            }).RunAsync();
        }
        catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
        {
            // Also when stopped during the drain itself, before Terraform ran: what was drained goes back.
            await UndrainKeptAsync((ex as IAppliedInPart)?.Changed);
            // Stopped before Terraform started (while taking the lock or draining): nothing changed, nothing to audit.
            if (applied is not null && (ex is not OperationCanceledException || ex is IAppliedInPart))
            {
                // Terraform may have changed part of the plan before it failed: the line names what was planned and,
                // when the state told, what of it changed.
                await AuditAsync(applied, ex is OperationCanceledException ? "interrupted" : "failed", (ex as IAppliedInPart)?.Changed);
            }

            throw;
        }

        if (applied is not null)
        {
            if (inventory is not null && DeployRun.Current(run) is { } deploy)
            {
                await deploy.AdoptAsync(inventory, applied.DestroyedOrReplacedKeys);
            }

            await AuditAsync(applied, "succeeded");
        }

        return inventory;
    }

    // App nodes the plan destroys or replaces leave HAProxy's pool first, drained as a roll drains a slot
    // (--drain-timeout): Terraform would otherwise stop them while they serve, failing what they had in flight.
    private async Task DrainLeavingAsync(PlanSummary plan)
    {
        if (run.CheckMode || DeployRun.Current(run) is not { } deploy)
        {
            return;
        }

        var leaving = deploy.Inventory.AppNodes.Where(n => plan.DestroyedOrReplacedKeys.Contains(n.Name)).Select(n => n.Name + "_").ToList();
        if (leaving.Count == 0)
        {
            return;
        }

        var lb = await deploy.HaproxyAsync();
        var timeout = RollOptions.From(run.Arguments, "-").DrainTimeout;
        foreach (var slot in (await lb.ShowStatAsync(run.Cancellation)).Where(s => !s.IsMaintenance && leaving.Any(prefix => s.Server.StartsWith(prefix, StringComparison.Ordinal))))
        {
            _drained.Add(slot.Server);
            var left = await lb.DrainAsync(slot.Server, timeout, run.Cancellation);
            run.Reporter.Info($"{slot.Server}: drained{(left > 0 ? $" ({left} session(s) left at the timeout)" : string.Empty)} and in maintenance: its node goes with this plan");
        }
    }

    // Terraform failed or was stopped before it removed a drained node (a stale plan, a state lock, Ctrl+C): the
    // node still runs and is put back into the pool, instead of staying out of it until a roll or Verify finds it.
    // Nodes whose resources Terraform changed (per the state) are left out: they may be gone.
    private async Task UndrainKeptAsync(IReadOnlyList<string>? changed)
    {
        if (_drained.Count == 0 || DeployRun.Current(run) is not { } deploy)
        {
            return;
        }

        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var server in _drained)
        {
            var node = server[..server.LastIndexOf('_')];
            if (changed?.Any(address => address.Contains($"[\"{node}\"]", StringComparison.Ordinal)) == true)
            {
                continue;
            }

            try
            {
                await (await deploy.HaproxyAsync()).SetStateAsync(server, SlotState.Ready, cleanup.Token);
                run.Reporter.Info($"{server}: back in the pool (Terraform did not remove {node})");
            }
            catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
            {
                run.Reporter.Warn($"{server} could not be put back into the pool ({ex.Message}): it takes no traffic until ./build.sh --target=RollNode --version=<the running release> puts it back.");
            }
        }
    }

    // Who changed the hosts, and how: the audit line names every address the plan changed (on the lb
    // host too, when it can be reached; a run that could not reach it says so and keeps the line here).
    private async Task AuditAsync(PlanSummary applied, string result, IReadOnlyList<string>? changedBeforeFailing = null)
    {
        if (!applied.HasResourceChanges)
        {
            return;
        }

        var addresses = string.Join(",", applied.Changes().Select(c => c.Replace(" ", string.Empty, StringComparison.Ordinal)));
        // A Deploy's Apply names the version the Deploy rolls out (known once it took the lock), as the Deploy's own line does.
        var version = DeployRun.Current(run)?.Version ?? run.Arguments.Get("version") ?? "-";
        var line = result == "succeeded"
            ? AuditLog.Line(DateTimeOffset.UtcNow, run.Operator, "Apply", version, result, run.CiBuild, changed: addresses, overrides: AuditLog.Overrides(run.Arguments))
            : AuditLog.Line(DateTimeOffset.UtcNow, run.Operator, "Apply", version, result, run.CiBuild, changed: changedBeforeFailing is null ? null : string.Join(",", changedBeforeFailing), planned: addresses, overrides: AuditLog.Overrides(run.Arguments));
        await AuditLog.RecordAsync(run, DeployRun.Current(run) is { } deploy ? async token => await deploy.LbAsync(token) : null, line);
    }

    private Task LockAsync(string target, PlanSummary plan) =>
        HostChangeLock.TakeAsync(run, target, lb => plan.AddedKeys.Contains(lb) || plan.DestroyedOrReplacedKeys.Contains(lb) ? "this plan makes it anew" : null);
}
