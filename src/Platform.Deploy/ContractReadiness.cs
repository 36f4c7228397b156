using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// A contract migration drops or changes what older releases still use, so it runs only once no
/// node runs an older release: ContractDb and <c>MigrateDb --phase=contract</c> are refused while any
/// app node runs another release than the one contracting (<c>--force</c> overrides), unless every contract
/// migration that release ships is applied already (there is nothing to contract). Nodes that run nothing do not count;
/// a node whose record is damaged, and whose slots do not say what they run, counts as behind.
/// </summary>
public static class ContractReadiness
{
    public static async Task CheckAsync(RunContext run, string version)
    {
        if (run.Arguments.GetFlag("force"))
        {
            return;
        }

        var deploy = await DeployRun.ForAsync(run);
        var damaged = new List<string>();
        var records = await RunningRelease.ReadAllAsync(deploy, run.Cancellation, damaged);
        var behind = records.Where(r => r.Value is not null && r.Value.Version != version).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        // A node whose record is damaged and whose slots do not say what they run may run an older release: not "nothing".
        var unknown = damaged.Where(d => records.Any(r => r.Value is null && d.StartsWith(r.Key + " (", StringComparison.Ordinal))).Order(StringComparer.Ordinal).ToList();
        if (behind.Count == 0 && unknown.Count == 0)
        {
            return;
        }

        // Nothing to contract (every contract migration the release ships is applied): nothing can break older releases.
        if (deploy.Releases.Exists(version)
            && deploy.Releases.Find(version).Manifest.ContractMigrationNames() is var contracts
            && (await ContractGuard.AppliedAsync(run, deploy.Inventory, run.Cancellation)) is var applied
            && contracts.All(applied.Contains))
        {
            return;
        }

        var which = string.Join(", ", behind.Select(r => $"{r.Key} runs {r.Value!.Version}").Concat(unknown.Select(u => $"what {u} runs cannot be told (its record is damaged)")));
        if (run.CheckMode)
        {
            // A dry-run Deploy rolls nothing, so its nodes still run the old release here: the real run rolls them first.
            if (!run.Targets.Any(t => t is "Deploy" or "RollNode"))
            {
                run.Reporter.Warn($"Check mode: the real run would refuse to contract for {version}: {which}.");
            }

            return;
        }

        throw new PlatformException(
            $"Refusing to contract the database for {version}: {which}, and a contract migration drops or changes what older releases still use (every request that needs it would fail). Roll every node to {version} first (./build.sh --target=RollNode --version={version}), or pass --force if you are sure. Nothing was changed.");
    }
}
