using Platform.Core;
using Platform.Deploy;
using Platform.Provision;
using Platform.Release;
using Platform.Secure;

namespace Platform.Bench;

/// <summary>
/// Deploy's steps run in-process, in the order build.cake's Deploy target runs them (Package under the
/// expand guard, Plan, Apply, SeedKeys, ExpandDb, CheckCompatibility, Stage, RollNode, Verify, ContractDb,
/// then Deploy's own summary), each the class its task calls, in one run context finished the way Cake's
/// Teardown finishes it.
/// </summary>
public static class DeploySequence
{
    public static Task RunAsync(RunContext run) =>
        AsTarget.RunAsync(run, "Deploy", async () =>
        {
            await new CheckedPackageStep(run).RunAsync();
            await new PlanStep(run).RunAsync();
            await new LockedApplyStep(run).RunAsync(["Deploy"]);
            await new SeedKeysStep(run).RunAsync();
            await new ExpandDbStep(run).RunAsync();
            await new CheckCompatibilityStep(run).RunAsync();
            await new StageStep(run).RunAsync();
            await new RollNodeStep(run).RunAsync();
            await new VerifyStep(run).RunAsync();
            await new ContractDbStep(run).RunAsync();
            await new DeploySummaryStep(run).RunAsync();
        });
}
