using Platform.Core;
using Platform.Deploy;

namespace Platform.Bench;

/// <summary>
/// Runs steps in-process as one Cake run of a target would: finished however they end (the deploy lock
/// released, the audit line and the report written), as build.cake's Teardown finishes a run.
/// </summary>
internal static class AsTarget
{
    public static async Task RunAsync(RunContext run, string target, Func<Task> steps)
    {
        var succeeded = false;
        try
        {
            await steps();
            succeeded = true;
        }
        finally
        {
            await DeployRun.FinishAsync(run, [target], succeeded, null);
        }
    }
}
