using Platform.Core;
using Platform.Provision;
using Platform.Release;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// The Apply target as build.cake runs it: <see cref="ApplyStep"/> under the environment's deploy
/// lock. When the plan changes an environment that already has hosts, the lock is taken just before
/// Terraform runs, so that a second Deploy with other <c>--var</c>s is refused before it adds a node
/// or reloads HAProxy under a roll in progress (without changes, ExpandDb takes it as before). An
/// environment without hosts yet has no lb to hold a lock and nothing anyone could be rolling.
/// The run then carries on with the inventory Terraform wrote (<see cref="DeployRun.AdoptAsync"/>).
/// </summary>
public sealed class LockedApplyStep(RunContext run)
{
    /// <param name="targets">The run's targets: the lock names Deploy when Apply runs as part of one.</param>
    public async Task<Inventory?> RunAsync(IReadOnlyCollection<string>? targets = null)
    {
        var target = targets?.Contains("Deploy") == true ? "Deploy" : "Apply";
        PlanSummary? applied = null;
        Inventory? inventory;
        try
        {
            inventory = await new ApplyStep(run, async summary =>
            {
                await LockAsync(target);
                applied = summary;
            }).RunAsync();
        }
        catch (Exception ex) when (applied is not null && ex is PlatformException or OperationCanceledException)
        {
            // Terraform may have changed part of the plan before it failed.
            await AuditAsync(applied, "failed");
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

    // Who changed the hosts, and how: the audit line names every address the plan changed (on the lb
    // host too, when it can be reached; a run that could not reach it says so and keeps the line here).
    private async Task AuditAsync(PlanSummary applied, string result)
    {
        if (!applied.HasResourceChanges)
        {
            return;
        }

        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        HostSession? lb = null;
        try
        {
            lb = DeployRun.Current(run) is { } deploy ? await deploy.LbAsync(cleanup.Token) : null;
        }
        catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
        {
            run.Reporter.Warn($"The lb host is unreachable; the audit line of this Apply is written locally only ({ex.Message})");
        }

        var line = AuditLog.Line(DateTimeOffset.UtcNow, run.Operator, "Apply", run.Arguments.Get("version") ?? "-", result, run.CiBuild, changed: string.Join(",", applied.Changes().Select(c => c.Replace(" ", string.Empty, StringComparison.Ordinal))));
        await AuditLog.AppendAsync(run, lb, line, cleanup.Token);
    }

    private async Task LockAsync(string target)
    {
        if (run.CheckMode || !File.Exists(run.InventoryFile))
        {
            return;
        }

        DeployRun deploy;
        try
        {
            if (Inventory.Load(run.InventoryFile).LoadBalancer is null)
            {
                return;
            }

            deploy = await DeployRun.ForAsync(run);
            await deploy.LbAsync();
        }
        catch (PlatformException ex)
        {
            // No run can be rolling through an lb that cannot be reached (nor with an inventory that
            // cannot be read), and this Apply may be what brings it back.
            run.Reporter.Warn($"Applying without the deploy lock: it cannot be taken on the lb host ({ex.Message}).");
            return;
        }

        // The version a Deploy rolls out names the holder; an Apply on its own deploys none.
        await deploy.LockAsync(target, target == "Deploy" ? await ReleaseVersion.ResolveAsync(run) : run.Arguments.Get("version"));
        run.Reporter.Info($"Deploy lock taken on {deploy.Inventory.LoadBalancer!.Host}: no roll can start while Terraform changes the hosts.");
    }
}
