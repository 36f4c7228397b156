using Platform.Core;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>The Deploy target's own body, once every step it depends on succeeded: says what runs where.</summary>
public sealed class DeploySummaryStep(RunContext run)
{
    public async Task RunAsync()
    {
        var deploy = await DeployRun.ForAsync(run);
        var records = await RunningRelease.ReadAllAsync(deploy, run.Cancellation);
        foreach (var (node, record) in records)
        {
            run.Reporter.Info($"{node}: {record?.Version ?? "nothing"}{(record is null ? string.Empty : $" on port {record.Slot}")}");
        }

        var version = deploy.Version ?? await ReleaseVersion.ResolveAsync(run);
        run.Reporter.Info(run.CheckMode
            ? $"Check mode: would deploy {version} to '{run.Environment}' ({deploy.Inventory.ServiceUrl}); nothing was changed."
            : $"Deployed {version} to '{run.Environment}': {deploy.Inventory.ServiceUrl}");
    }
}
