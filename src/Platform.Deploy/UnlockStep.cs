using Platform.Core;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// The Unlock target: releases a deploy lock left behind by a run that died, saying whose it was. A
/// lock whose run is still alive on this machine is kept unless <c>--force</c>: breaking it lets a
/// second roll run into the first.
/// </summary>
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

        if (await deployLock.HolderAsync(run.Cancellation) is { } live && live.RunsHere() && !run.Arguments.GetFlag("force"))
        {
            throw new PlatformException(live.IsPausedHere()
                ? $"The deploy lock is held by a run that is paused (stopped by a signal, e.g. Ctrl+Z), not dead: {DeployLock.Describe(live)}. Resume it with kill -CONT {live.Pid} (or fg in its shell) and let it finish, or send it kill -TERM {live.Pid} then kill -CONT {live.Pid}: it puts back what is in flight and releases the lock. If that process is no Platform run, pass --force. Nothing was changed."
                : $"The deploy lock is held by a run that is still going: {DeployLock.Describe(live)}. Wait for it, or stop it (Ctrl+C, or kill -TERM {live.Pid}: it puts back what is in flight and releases the lock). If that process is no Platform run, pass --force. Nothing was changed.");
        }

        var lb = await deploy.LbAsync();
        var removed = await deployLock.BreakAsync(run.Cancellation);
        run.Reporter.Info(removed is null ? "No deploy lock was held." : $"Released the deploy lock of {DeployLock.Describe(removed)}.");
        if (removed is not null)
        {
            // Breaking another run's lock is an override: who did it, and whose it was, goes on record.
            var line = AuditLog.Line(DateTimeOffset.UtcNow, run.Operator, "Unlock", removed.Version, "succeeded", run.CiBuild, subject: $"{removed.Operator}/{removed.Target}/{removed.Machine}/{removed.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}", overrides: AuditLog.Overrides(run.Arguments));
            await AuditLog.RecordAsync(run, _ => Task.FromResult<HostSession?>(lb), line);
        }

        return removed;
    }
}
