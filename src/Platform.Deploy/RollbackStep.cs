using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// The Rollback target: rolls every app node back to the previous release (the one each node ran
/// before; <c>--version=</c> picks another kept release) with the same zero-downtime steps.
/// Refused when the database was already contracted past that release (see <see cref="ContractGuard"/>).
/// </summary>
public sealed class RollbackStep(RunContext run)
{
    public async Task<RollResult> RunAsync()
    {
        var deploy = await DeployRun.ForAsync(run);
        var records = await RunningRelease.ReadAllAsync(deploy, run.Cancellation);
        var running = RunningRelease.Majority(records)
            ?? throw new PlatformException("Nothing is deployed: there is nothing to roll back.");
        var target = run.Arguments.Get("version")
            ?? records.Values.Where(r => r is not null && r.Version == running).Select(r => r!.Previous.FirstOrDefault()).FirstOrDefault(v => v is not null)
            ?? throw new PlatformException($"The nodes run {running} and keep no earlier release: pass --version=X.Y.Z.");
        var ranBefore = records.Values.Where(r => r is not null).SelectMany(r => r!.Previous.Prepend(r.Version)).Distinct().ToList();
        if (!ranBefore.Contains(target))
        {
            throw new PlatformException($"Rollback goes back to a release the nodes ran before, and {target} is not one of them (their records keep {string.Join(", ", ranBefore)}). To put {target} on the nodes, run RollNode --version={target}. Nothing was changed.");
        }

        if (target == running && records.Values.All(r => r?.Version == target))
        {
            run.Reporter.Info($"Every node already runs {target}: nothing to roll back.");
        }

        run.Reporter.Info($"Rolling back from {running} to {target}");
        return await new RollNodeStep(run).RunAsync(target, "Rollback");
    }
}
