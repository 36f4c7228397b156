using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Platform.Core;

/// <summary>One machine of an environment, as Terraform provisioned it.</summary>
public sealed record InventoryHost
{
    public required string Name { get; init; }

    public required IReadOnlyList<string> Roles { get; init; }

    public required string Address { get; init; }

    public required int SshPort { get; init; }

    public required string SshUser { get; init; }

    /// <summary>The host key's <c>SHA256:…</c> fingerprint, read from the provisioner, never learnt on first connection.</summary>
    public required string HostKeyFingerprint { get; init; }

    /// <summary>The folder deployments live in on this host.</summary>
    public required string BaseDir { get; init; }

    /// <summary>The root circle's file on the host (sshd's AuthorizedKeysFile); relative paths are from the SSH user's home.</summary>
    public string AuthorizedKeysFile { get; init; } = ".ssh/authorized_keys";

    /// <summary>
    /// <c>authorized_keys2</c> beside <see cref="AuthorizedKeysFile"/>, which sshd also reads unless its AuthorizedKeysFile
    /// setting leaves it out (Debian's default reads both): a key there gets in outside the circle. Null for a circle's
    /// file of another name, which sshd is set to read alone.
    /// </summary>
    public string? SecondAuthorizedKeysFile => AuthorizedKeysFile.EndsWith("authorized_keys", StringComparison.Ordinal) ? AuthorizedKeysFile + "2" : null;

    /// <summary>The file sshd reads TrustedUserCAKeys from: the SSH user CA for short-lived certificates.</summary>
    public string TrustedUserCaKeysFile { get; init; } = "/etc/ssh/trusted_user_ca_keys";

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}

/// <summary>How the load balancer's runtime API is reached (always from the lb host itself).</summary>
public sealed record LoadBalancerInfo
{
    public required string Host { get; init; }

    /// <summary><c>address:port</c> of HAProxy's runtime API, reachable only on the lb host.</summary>
    public required string RuntimeApi { get; init; }

    public required string Backend { get; init; }

    public required IReadOnlyList<int> SlotPorts { get; init; }
}

/// <summary>The database server and where its administrator password is kept.</summary>
public sealed record DatabaseInfo
{
    public required string Host { get; init; }

    public required string Address { get; init; }

    public required int Port { get; init; }

    public required string AdminUser { get; init; }

    /// <summary>A file holding the admin password (local environment).</summary>
    public string? AdminPasswordFile { get; init; }

    /// <summary>A key in the environment's secrets store holding the admin password (cloud environments).</summary>
    public string? AdminPasswordSecret { get; init; }
}

/// <summary>
/// The hosts of one environment: written by Apply to <c>artifacts/&lt;env&gt;/inventory.json</c>,
/// read by every later step. The same shape for every environment, so targets work unchanged.
/// </summary>
public sealed partial record Inventory
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Environment { get; init; }

    public required string ServiceUrl { get; init; }

    /// <summary><c>detached</c> (local: processes started with setsid) or <c>systemd</c> (servers).</summary>
    public string ProcessManager { get; init; } = "detached";

    public required IReadOnlyList<InventoryHost> Hosts { get; init; }

    public LoadBalancerInfo? LoadBalancer { get; init; }

    public DatabaseInfo? Database { get; init; }

    [JsonIgnore]
    public IEnumerable<InventoryHost> AppNodes => Hosts.Where(h => h.HasRole("app"));

    public InventoryHost Host(string name) =>
        Hosts.FirstOrDefault(h => h.Name == name)
        ?? throw new PlatformException($"No host named '{name}' in the {Environment} inventory. Hosts: {string.Join(", ", Hosts.Select(h => h.Name))}.");

    public InventoryHost SingleWithRole(string role) =>
        Hosts.FirstOrDefault(h => h.HasRole(role))
        ?? throw new PlatformException($"The {Environment} inventory has no host with the role '{role}'.");

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The same inventory without the named hosts.</summary>
    public Inventory Without(IReadOnlyCollection<string> names) => this with { Hosts = [.. Hosts.Where(h => !names.Contains(h.Name))] };

    /// <summary>Reads and validates an inventory file; every problem names the file and the field.</summary>
    public static Inventory Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new PlatformException($"No inventory at {path}. Provision the environment first: ./build.sh --target=Apply (or Deploy), with this run's --environment and --artifacts-dir if it has them.");
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static Inventory Parse(string json, string source)
    {
        Inventory? inventory;
        try
        {
            inventory = JsonSerializer.Deserialize<Inventory>(json, Json);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {ex.BytePositionInLine + 1})" : string.Empty;
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? string.Empty : $" at {ex.Path}";
            throw new PlatformException($"{source} is not a valid inventory{field}{where}: {ex.Message.Split(" Path:")[0]} Re-run Apply to regenerate it.", ex);
        }

        if (inventory is null)
        {
            throw new PlatformException($"{source} is empty; re-run Apply to regenerate it.");
        }

        inventory.Validate(source);
        return inventory;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*\z")]
    private static partial Regex HostName();

    private void Validate(string source)
    {
        if (Hosts.Count == 0)
        {
            throw new PlatformException($"{source}: 'hosts' is empty.");
        }

        for (var i = 0; i < Hosts.Count; i++)
        {
            var h = Hosts[i];
            void Require(bool ok, string field, string what)
            {
                if (!ok)
                {
                    throw new PlatformException($"{source}: hosts[{i}] ('{h.Name}') field '{field}' {what}. Apply writes this file from Terraform's outputs: run Apply again, or fix the outputs of infra/<environment> if they produce it.");
                }
            }

            Require(!string.IsNullOrWhiteSpace(h.Name), "name", "is empty");
            // Names and addresses reach shell scripts, HAProxy's runtime API and server names unquoted.
            Require(HostName().IsMatch(h.Name), "name", $"is '{h.Name}': only letters, digits, '-', '_' and '.' may name a host");
            Require(!string.IsNullOrWhiteSpace(h.Address), "address", "is empty");
            Require(HostAddress.IsValid(h.Address), "address", $"is '{h.Address}', not an IP address or DNS name");
            Require(h.SshPort is > 0 and < 65536, "sshPort", $"is {h.SshPort}, not a TCP port");
            Require(h.HostKeyFingerprint.StartsWith("SHA256:", StringComparison.Ordinal), "hostKeyFingerprint", $"is '{h.HostKeyFingerprint}', expected SHA256:…");
            Require(h.Roles.Count > 0, "roles", "is empty");
        }

        var duplicate = Hosts.GroupBy(h => h.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new PlatformException($"{source}: host name '{duplicate.Key}' appears {duplicate.Count()} times. Host names must be unique: fix the outputs of infra/<environment>, then run Apply again.");
        }
    }
}
