using System.Text.Json.Nodes;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// Turns Terraform's <c>inventory</c> output into the inventory file. An environment either
/// gives each host's <c>hostKeyFingerprint</c> itself (cloud: generated host keys) or a
/// <c>hostKeyFile</c> holding the host's public key (local), whose fingerprint is computed here.
/// Either way the fingerprint comes from provisioning, never from a first connection.
/// </summary>
public static class InventoryBuilder
{
    public static Inventory Build(JsonObject outputs, string source = "terraform output")
    {
        if (outputs["inventory"] is not JsonObject inventory)
        {
            throw new PlatformException($"{source} has no 'inventory' output. Every environment must declare `output \"inventory\"` (see infra/local/outputs.tf).");
        }

        var copy = (JsonObject)inventory.DeepClone();
        if (copy["hosts"] is JsonArray hosts)
        {
            foreach (var host in hosts.OfType<JsonObject>())
            {
                if (host["hostKeyFingerprint"] is null && host["hostKeyFile"]?.GetValue<string>() is { } file)
                {
                    host["hostKeyFingerprint"] = FingerprintOf(file, host["name"]?.GetValue<string>() ?? "?");
                }

                host.Remove("hostKeyFile");
            }
        }

        return Inventory.Parse(copy.ToJsonString(), source);
    }

    private static string FingerprintOf(string publicKeyFile, string host)
    {
        if (!File.Exists(publicKeyFile))
        {
            throw new PlatformException($"The host key of '{host}' ({publicKeyFile}) is missing: the host was changed outside Terraform. Replace it: ./build.sh --target=Apply --replace='terraform_data.host[\"{host}\"]'.");
        }

        return OpenSshPublicKey.Parse(File.ReadAllText(publicKeyFile), publicKeyFile).Fingerprint;
    }

    public static void Write(Inventory inventory, string path) => AtomicFile.WriteAllText(path, inventory.ToJson() + "\n");
}
