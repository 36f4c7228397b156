using System.Text.Json.Nodes;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// Refuses a plan that makes hosts from an empty state while the inventory lists the environment's hosts: the
/// state was lost or emptied (a truncated file, a wrong backend), and applying would make every host anew
/// beside those that run (in a cloud: a second environment, billed). Terraform cannot tell; the inventory can.
/// </summary>
public static class LostStateGuard
{
    public static void Check(RunContext run, string showJson, PlanSummary plan, string planFile)
    {
        if (plan.Add.Count == 0 || !File.Exists(run.Layout.InventoryFile) || HasPriorResources(showJson))
        {
            return;
        }

        string hosts;
        try
        {
            var inventory = Inventory.Load(run.Layout.InventoryFile);
            if (inventory.Hosts.Count == 0)
            {
                return;
            }

            hosts = $"lists its hosts ({string.Join(", ", inventory.Hosts.Select(h => h.Name))})";
        }
        catch (PlatformException)
        {
            // Damaged with the state (a full disk truncates both): it may well have listed hosts that run.
            hosts = "exists but cannot be read, so it may list hosts that run";
        }

        throw new PlatformException(
            $"{planFile} makes the environment from nothing: Terraform's state holds no resource, but {run.Layout.InventoryFile} {hosts}. " +
            "Either this plan was made against another, empty state (another --state-dir or backend): plan again here. Or the state was lost or emptied, and applying would make every host again beside those that run: " +
            $"restore the state (a local state keeps its previous version as terraform.tfstate.backup beside it), or, if those hosts are really gone, remove {run.Layout.InventoryFile} and run again. Nothing was changed.");
    }

    // Managed resources only: the data sources a plan reads are in its prior state too, even for an empty state.
    private static bool HasPriorResources(string showJson) => HasManaged(JsonNode.Parse(showJson)?["prior_state"]?["values"]?["root_module"]);

    private static bool HasManaged(JsonNode? module) =>
        module is not null
        && ((module["resources"] as JsonArray)?.Any(r => (string?)r?["mode"] == "managed") == true
            || (module["child_modules"] as JsonArray)?.Any(HasManaged) == true);
}
