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
            await AuditAsync("failed");
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

    private Task AuditAsync(string result) =>
        AuditLog.RecordAsync(run, lb: null, AuditLog.Line(DateTimeOffset.UtcNow, run.Operator, "Destroy", "-", result, run.CiBuild, subject: run.Environment, overrides: AuditLog.Overrides(run.Arguments)));
}
