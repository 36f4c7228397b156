using Platform.Core;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// The CheckCompatibility target: the smoke tests of every release the nodes run other than the one deployed
/// (N; and a release a node was rolled back to, or a canary) against the expanded schema, through the lb,
/// before any node is touched: if one fails on N+1's schema, the Deploy stops here.
/// </summary>
public sealed class CheckCompatibilityStep(RunContext run)
{
    public async Task RunAsync()
    {
        var version = await ReleaseVersion.ResolveAsync(run);
        var deploy = await DeployRun.ForAsync(run);
        var records = await RunningRelease.ReadAllAsync(deploy, run.Cancellation);
        // Each release serving beside the target until the roll reaches its nodes, the one most of them run first.
        var running = records.Where(r => r.Value is not null && r.Value.Version != version)
            .GroupBy(r => r.Value!.Version)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Version: g.Key, Nodes: g.Select(r => r.Key).Order(StringComparer.Ordinal).ToList()))
            .ToList();
        if (running.Count == 0)
        {
            run.Reporter.Info(records.Values.All(r => r is null) ? "Nothing runs yet: no compatibility to prove." : $"{version} already runs on every node: no compatibility to prove.");
            return;
        }

        var names = string.Join(" and ", running.Select(r => r.Version));
        if (running.FirstOrDefault(r => !deploy.Releases.Exists(r.Version)) is { Version: not null } missing)
        {
            throw new PlatformException($"The release {missing.Version}, which {string.Join(", ", missing.Nodes)} run{(missing.Nodes.Count == 1 ? "s" : string.Empty)}, is not in {deploy.Releases.Directory}, so its smoke tests cannot prove it works on the new schema. Restore artifacts/releases/catalog-{missing.Version}.* (CI keeps them) or Package it.");
        }

        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would run the smoke tests of {names} against {deploy.Inventory.ServiceUrl}.");
            return;
        }

        // HAProxy restarted (after a crash or a reboot) keeps every slot in maintenance until a roll readies one: no
        // traffic is served, so none depends on the running release working on the new schema. Failing here would
        // leave the service down for good, as only the roll brings the slots back.
        // A failed roll then leaves N's slots in maintenance too, as they were (RollingDeployer puts back only what served).
        if ((await (await deploy.HaproxyAsync()).ShowStatAsync(run.Cancellation)) is { Count: > 0 } slots && slots.All(s => s.IsMaintenance))
        {
            run.Reporter.Warn($"Every slot is in maintenance in HAProxy (restarted after a crash or a reboot?): nothing is served, so no traffic depends on {names} working on {version}'s schema, and the smoke tests are not run. The roll brings the nodes back into service on {version}.");
            deploy.Note($"CheckCompatibility: not run, nothing was served (every slot in maintenance)");
            return;
        }

        await ServingCheck.RequireServingAsync(deploy.Inventory.ServiceUrl, run.Cancellation);
        foreach (var (release, nodes) in running)
        {
            // Through the lb, which spreads the tests over every node: a release on one node of three fails a third of its requests.
            var on = running.Count == 1 ? string.Empty : $" (on {string.Join(", ", nodes)})";
            await new SmokeTestRunner(run).RunAsync(deploy.Releases.Find(release), deploy.Inventory.ServiceUrl, $"proving {release}{on} still works on {version}'s schema, before any node is touched");
            deploy.Note($"CheckCompatibility: the smoke tests of {release}{on} (running) passed on {version}'s schema");
        }
    }
}
