using Platform.Core;

namespace Platform.Provision;

/// <summary>Writes a saved plan's review files next to it (plan.json, plan.txt) and prints its summary.</summary>
internal static class PlanFiles
{
    public static async Task<PlanSummary> WriteAsync(TerraformRunner runner, string planFile, IReporter reporter, SecretRedactor redactor)
    {
        var json = await runner.ShowJsonAsync(planFile);
        var summary = PlanSummary.Parse(json, planFile);
        var directory = Path.GetDirectoryName(planFile)!;
        var name = Path.GetFileNameWithoutExtension(planFile);
        // terraform show -json prints sensitive values in clear (plan.txt masks them): owner-only, as the plan.
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".json"), json, AtomicFile.OwnerOnly);
        // plan.txt is what reviewers read and CI publishes: Terraform masks what is declared sensitive, and the values
        // this run knows as secrets (a store-fed TF_VAR_ of a variable not declared so) are masked here.
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".txt"), redactor.Redact(summary.Describe() + "\n\n" + await runner.ShowTextAsync(planFile)));
        // Terraform's own output above already ends with "No changes. …": said once.
        if (summary.HasChanges)
        {
            reporter.Info(summary.Describe());
        }
        reporter.Info($"Saved plan: {planFile} (review {Path.Combine(directory, name + ".txt")})");
        return summary;
    }
}
