using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// Writes the inventory again from Terraform's state when the file is missing or damaged but the environment
/// is not: a fresh CI workspace, a cleaned artifacts folder, a file truncated by a full disk. The deploy lock
/// lives on the lb host the inventory names, so without this an Apply or Destroy would find no lock to take
/// and go ahead under a roll. A damaged file is kept beside it (<c>inventory.json.damaged</c>).
/// </summary>
public static class InventoryRestore
{
    public static async Task IfMissingAsync(RunContext run, TerraformRunner runner)
    {
        var file = run.Layout.InventoryFile;
        if (run.CheckMode || Damage(file) is not { } damage)
        {
            return;
        }

        var outputs = await runner.OutputsAsync();
        if (outputs["inventory"] is null)
        {
            // Nothing provisioned yet (no host holds a lock), or the state was lost with it: LostStateGuard decides.
            if (damage != "was missing")
            {
                run.Reporter.Warn($"{file} {damage}, and Terraform's state holds no inventory to write it again from.");
            }

            return;
        }

        try
        {
            var inventory = InventoryBuilder.Build(outputs);
            if (File.Exists(file))
            {
                File.Copy(file, file + ".damaged", overwrite: true);
            }

            InventoryBuilder.Write(inventory, file);
            run.Reporter.Warn($"{file} {damage}: written again from Terraform's state, so that the lb host it names can be asked for the deploy lock{(damage == "was missing" ? string.Empty : $" (the damaged one is kept as {Path.GetFileName(file)}.damaged)")}.");
        }
        catch (PlatformException ex)
        {
            run.Reporter.Warn($"{file} {damage} and cannot be written again from Terraform's state ({ex.Message}): going on without the deploy lock.");
        }
    }

    // Null when the file reads as an inventory.
    private static string? Damage(string file)
    {
        if (!File.Exists(file))
        {
            return "was missing";
        }

        try
        {
            Inventory.Load(file);
            return null;
        }
        catch (PlatformException ex)
        {
            return $"could not be read ({ex.Message})";
        }
    }
}
