using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// The Plan target: a saved Terraform plan for the environment, with its summary, written to
/// <c>artifacts/&lt;env&gt;/plan.tfplan</c>, <c>plan.json</c> (terraform show -json) and
/// <c>plan.txt</c> (summary and Terraform's text) for review before Apply. Check mode writes them
/// under <c>artifacts/&lt;env&gt;/check/</c> instead, leaving a plan under review as it is.
/// </summary>
public sealed class PlanStep(RunContext run)
{
    public async Task<PlanSummary> RunAsync()
    {
        var environment = await TerraformEnvironment.PrepareAsync(run);
        var planFile = run.Layout.PlanFileFor(run.CheckMode);
        Directory.CreateDirectory(Path.GetDirectoryName(planFile)!);
        run.Reporter.Info($"Planning environment '{run.Environment}' ({run.Layout.InfraDir})");
        await environment.Runner.PlanAsync(planFile, environment.VariableArguments, extra: run.Arguments.All("replace").Select(r => $"-replace={r}"));
        PlanOfThisRun.Remember(run, planFile);
        RememberedVariables.WriteBesidePlan(planFile, environment.Overrides);
        var summary = await PlanFiles.WriteAsync(environment.Runner, planFile, run.Reporter, run.Redactor);
        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: {run.Layout.PlanFile}, the plan Apply applies, is left as it was.");
        }

        return summary;
    }
}
