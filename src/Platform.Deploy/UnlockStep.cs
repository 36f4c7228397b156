using Platform.Core;

namespace Platform.Deploy;

/// <summary>The Unlock target: releases a deploy lock left behind by a run that died, saying whose it was.</summary>
public sealed class UnlockStep(RunContext run)
{
    public async Task<LockHolder?> RunAsync()
    {
        var deploy = await DeployRun.ForAsync(run);
        var deployLock = new DeployLock(await deploy.LbAsync());
        if (run.CheckMode)
        {
            var holder = await deployLock.HolderAsync(run.Cancellation);
            run.Reporter.Info(holder is null ? "Check mode: no deploy lock is held." : $"Check mode: would release the lock of {DeployLock.Describe(holder)}.");
            return holder;
        }

        var removed = await deployLock.BreakAsync(run.Cancellation);
        run.Reporter.Info(removed is null ? "No deploy lock was held." : $"Released the deploy lock of {DeployLock.Describe(removed)}.");
        return removed;
    }
}
