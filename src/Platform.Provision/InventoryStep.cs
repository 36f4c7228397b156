using Platform.Core;

namespace Platform.Provision;

/// <summary>The Inventory target: prints the environment's hosts from its inventory file.</summary>
public sealed class InventoryStep(RunContext run)
{
    public Inventory Run()
    {
        var inventory = Inventory.Load(run.InventoryFile);
        InventoryPrinter.Print(inventory, run.Reporter);
        return inventory;
    }
}
