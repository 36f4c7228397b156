using Platform.Core;
using Platform.Provision;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// The Destroy target as build.cake runs it: <see cref="DestroyStep"/> under the deploy lock, so that
/// an environment is not torn down under a roll in progress (an lb host that cannot be reached holds
/// no lock anyone could be using, and a broken environment is what one destroys). An audit line is
/// written locally: the lb host's own log goes with it.
/// </summary>
public sealed class LockedDestroyStep(RunContext run)
{
    public async Task RunAsync()
    {
        var started = false;
        await HostChangeLock.PreviewAsync(run, "Destroy");
        try
        {
            await new DestroyStep(run, async () =>
            {
                await HostChangeLock.TakeAsync(run, "Destroy", _ => "its environment is being destroyed");
                started = true;
            }).RunAsync();
        }
        catch (Exception ex) when (started && ex is PlatformException or OperationCanceledException)
        {
            await ReleaseIfTheLbRemainsAsync();
            await AuditAsync(run.Cancellation.IsCancellationRequested ? "interrupted" : "failed");
            throw;
        }
        finally
        {
            if (started && DeployRun.Current(run) is { } deploy)
            {
                await deploy.ForgetHostsAsync();
            }
        }

        if (started)
        {
            await AuditAsync("succeeded");
        }
    }

    // A Destroy that failed or was stopped part-way may have left the lb host, and the lock on it, in place: released
    // there now, or the next run (the Destroy again) would be refused by this one's lock. One that is gone took it along.
    private async Task ReleaseIfTheLbRemainsAsync()
    {
        if (DeployRun.Current(run) is not { Lock.Held: true } deploy)
        {
            return;
        }

        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(15)); // the run's own token may be cancelled
        try
        {
            await deploy.Lock.ReleaseAsync(await deploy.LbAsync(cleanup.Token), cleanup.Token);
        }
        catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
        {
            run.Reporter.Warn($"The deploy lock could not be released on the lb host ({ex.Message}). If that host was destroyed, the lock went with it; if it still runs, release the lock with ./build.sh --target=Unlock --environment={run.Environment}.");
        }
    }

    private Task AuditAsync(string result) =>
        AuditLog.RecordAsync(run, lb: null, AuditLog.Line(DateTimeOffset.UtcNow, run.Operator, "Destroy", "-", result, run.CiBuild, subject: run.Environment, overrides: AuditLog.Overrides(run.Arguments)));
}
