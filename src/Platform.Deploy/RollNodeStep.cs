using Platform.Core;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// The RollNode target: rolls the app nodes to <c>--version</c> (default from git) with zero
/// downtime. Options: <c>--batch-size=K</c>, <c>--surge=N</c>, <c>--upload-parallel=N</c>, <c>--node=NAME</c>, <c>--strategy=restart</c> (naive
/// baseline), <c>--ready-timeout</c>, <c>--drain-timeout</c>, <c>--stop-timeout</c>,
/// <c>--progress-deadline</c> (seconds). Fails, naming each failed node, when any node failed.
/// </summary>
public sealed class RollNodeStep(RunContext run)
{
    public Task<RollResult> RunAsync(string? version = null, string target = "RollNode") =>
        RunLockedAsync(
            version,
            target,
            (deploy, options, release, locking) => new RollingDeployer(run, deploy).RollAsync(options, release, locking),
            result => AfterFailure(result, target, version, restart: run.Arguments.Get("strategy") == "restart"));

    /// <summary>What a failed roll leaves and what to do next, said after the failed nodes' reasons.</summary>
    internal static string AfterFailure(RollResult result, string target, string? version, bool restart) =>
        restart
            ? "The restart strategy stopped the release each failed node ran: those nodes serve nothing now. Roll them again with the default strategy (RollNode --version= the release to run); a roll goes by what runs, so it rolls them."
            : result.Nodes.Where(n => n.Outcome == Outcome.Changed).Select(n => n.Node).ToList() is not { Count: > 0 } rolled
            ? "No node was rolled: the failed node kept its release."
            : target == "Rollback"
            ? $"Nodes already rolled back ({string.Join(", ", rolled)}) run {version} now; the failed node kept its release. Fix the cause and run Rollback again: it finishes going back to {version} (it does not undo what was rolled back)."
            : $"Nodes already rolled ({string.Join(", ", rolled)}) stay on the new release (Rollback moves them back); the failed node kept its release.";

    /// <summary>
    /// Runs a step on the app nodes with a packaged release, under the deploy lock: the lock is taken
    /// while the nodes are asked what they run, and the step waits for it before any change.
    /// </summary>
    internal async Task<RollResult> RunLockedAsync(
        string? version,
        string target,
        Func<DeployRun, RollOptions, PackagedRelease, Task, Task<RollResult>> step,
        Func<RollResult, string> afterFailure)
    {
        version ??= await ReleaseVersion.ResolveAsync(run);
        var deploy = await DeployRun.ForAsync(run);
        if (run.CheckMode && !deploy.Releases.Exists(version))
        {
            if (run.Packages)
            {
                run.Reporter.Info($"Check mode: release {version} is not packaged yet (a real run packages it first); the nodes that lack it would get it.");
            }
            else
            {
                run.Reporter.Warn($"Check mode: release {version} is not packaged, so the real run would fail: ./build.sh --target=Package --version={version} first.");
            }

            return new RollResult([]);
        }

        var release = deploy.Releases.Find(version);
        var locking = deploy.LockAsync(target, version);
        RollResult result;
        try
        {
            result = await step(deploy, RollOptions.From(run.Arguments, version) with { Target = target }, release, locking);
        }
        finally
        {
            // Whatever happened, the lock is settled (taken or refused) before the run finishes and releases it.
            await locking.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (!result.Succeeded)
        {
            throw new PlatformException(
                $"{target} to {version} failed on {string.Join(", ", result.Failed.Select(f => f.Node))}: " +
                string.Join(" | ", result.Failed.Select(f => f.Detail.TrimEnd('.'))) + ". " + afterFailure(result));
        }

        return result;
    }
}
