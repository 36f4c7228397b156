using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// Writes the inventory again from Terraform's state when the file is missing but the environment is not:
/// a fresh CI workspace, a cleaned artifacts folder. The deploy lock lives on the lb host the inventory
/// names, so without this an Apply or Destroy would find no lock to take and go ahead under a roll.
/// </summary>
public static class InventoryRestore
{
    public static async Task IfMissingAsync(RunContext run, TerraformRunner runner)
    {
        if (run.CheckMode || File.Exists(run.Layout.InventoryFile))
        {
            return;
        }

        var outputs = await runner.OutputsAsync();
        if (outputs["inventory"] is null)
        {
            return; // Nothing provisioned yet: no host holds a lock.
        }

        try
        {
            InventoryBuilder.Write(InventoryBuilder.Build(outputs), run.Layout.InventoryFile);
            run.Reporter.Warn($"{run.Layout.InventoryFile} was missing: written again from Terraform's state, so that the lb host it names can be asked for the deploy lock.");
        }
        catch (PlatformException ex)
        {
            run.Reporter.Warn($"{run.Layout.InventoryFile} is missing and cannot be written again from Terraform's state ({ex.Message}): going on without the deploy lock.");
        }
    }
}
