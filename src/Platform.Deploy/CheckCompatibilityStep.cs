using Platform.Core;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// The CheckCompatibility target: the running release's own smoke tests against the expanded schema,
/// through the lb, before any node is touched: if release N fails on N+1's schema, the Deploy stops here.
/// </summary>
public sealed class CheckCompatibilityStep(RunContext run)
{
    public async Task RunAsync()
    {
        var version = await ReleaseVersion.ResolveAsync(run);
        var deploy = await DeployRun.ForAsync(run);
        var running = RunningRelease.Majority(await RunningRelease.ReadAllAsync(deploy, run.Cancellation));
        if (running is null || running == version)
        {
            run.Reporter.Info(running is null ? "Nothing runs yet: no compatibility to prove." : $"{version} already runs: no compatibility to prove.");
            return;
        }

        if (!deploy.Releases.Exists(running))
        {
            throw new PlatformException($"The running release {running} is not in {deploy.Releases.Directory}, so its smoke tests cannot prove it works on the new schema. Restore artifacts/releases/catalog-{running}.* (CI keeps them) or Package it.");
        }

        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would run the smoke tests of {running} against {deploy.Inventory.ServiceUrl}.");
            return;
        }

        // HAProxy restarted (after a crash or a reboot) keeps every slot in maintenance until a roll readies one: no
        // traffic is served, so none depends on the running release working on the new schema. Failing here would
        // leave the service down for good, as only the roll brings the slots back.
        // A failed roll then leaves N's slots in maintenance too, as they were (RollingDeployer puts back only what served).
        if ((await (await deploy.HaproxyAsync()).ShowStatAsync(run.Cancellation)) is { Count: > 0 } slots && slots.All(s => s.IsMaintenance))
        {
            run.Reporter.Warn($"Every slot is in maintenance in HAProxy (restarted after a crash or a reboot?): nothing is served, so no traffic depends on {running} working on {version}'s schema, and its smoke tests are not run. The roll brings the nodes back into service on {version}.");
            deploy.Note($"CheckCompatibility: not run, nothing was served (every slot in maintenance)");
            return;
        }

        await ServingCheck.RequireServingAsync(deploy.Inventory.ServiceUrl, run.Cancellation);
        await new SmokeTestRunner(run).RunAsync(deploy.Releases.Find(running), deploy.Inventory.ServiceUrl, $"proving {running} still works on {version}'s schema, before any node is touched");
        deploy.Note($"CheckCompatibility: the smoke tests of {running} (running) passed on {version}'s schema");
    }
}
