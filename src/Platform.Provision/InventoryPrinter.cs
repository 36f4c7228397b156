using Platform.Core;

namespace Platform.Provision;

/// <summary>Prints an inventory as a table: one host per line.</summary>
public static class InventoryPrinter
{
    public static void Print(Inventory inventory, IReporter reporter)
    {
        reporter.Info($"Environment '{inventory.Environment}': service {inventory.ServiceUrl}");
        var rows = inventory.Hosts
            .Select(h => new[] { h.Name, string.Join(",", h.Roles), $"{h.SshUser}@{h.Address}:{h.SshPort}", h.HostKeyFingerprint })
            .Prepend(["HOST", "ROLES", "SSH", "HOST KEY"])
            .ToList();
        var widths = Enumerable.Range(0, 4).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            reporter.Info("  " + string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
