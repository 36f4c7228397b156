using System.Text;
using System.Text.Json;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// What a saved plan will do, read from <c>terraform show -json</c> (<c>resource_changes[].change.actions</c>):
/// the addresses to add, change, replace and destroy. Printed the way Terraform prints it.
/// </summary>
public sealed partial record PlanSummary(
    IReadOnlyList<string> Add,
    IReadOnlyList<string> Change,
    IReadOnlyList<string> Replace,
    IReadOnlyList<string> Destroy,
    bool OutputsChange)
{
    /// <summary>What the plan replaces because it is tainted (<c>action_reason</c>): its creation failed or was interrupted part-way.</summary>
    public IReadOnlyList<string> Tainted { get; init; } = [];

    /// <summary>The <c>environment</c> variable the plan was made with (every environment passes its name), or null.</summary>
    public string? Environment { get; init; }

    public bool HasChanges => Add.Count + Change.Count + Replace.Count + Destroy.Count > 0 || OutputsChange;

    public bool HasResourceChanges => Add.Count + Change.Count + Replace.Count + Destroy.Count > 0;

    /// <summary>Terraform's own wording: a replacement counts once as an add and once as a destroy.</summary>
    public string Headline => HasResourceChanges
        ? $"Plan: {Add.Count + Replace.Count} to add, {Change.Count} to change, {Destroy.Count + Replace.Count} to destroy."
        : OutputsChange
            ? "No resource changes; only outputs change."
            : "No changes. Your infrastructure matches the configuration.";

    public static PlanSummary Parse(string showJson, string source = "plan")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(showJson);
        }
        catch (JsonException ex)
        {
            throw new PlatformException($"{source} is not the JSON of `terraform show -json`: {ex.Message}", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format_version", out _))
            {
                throw new PlatformException($"{source} is not the JSON of `terraform show -json` (no format_version).");
            }

            var add = new List<string>();
            var change = new List<string>();
            var replace = new List<string>();
            var destroy = new List<string>();
            var tainted = new List<string>();
            if (root.TryGetProperty("resource_changes", out var changes))
            {
                foreach (var rc in changes.EnumerateArray())
                {
                    var address = rc.GetProperty("address").GetString()!;
                    var actions = rc.GetProperty("change").GetProperty("actions").EnumerateArray().Select(a => a.GetString()).ToArray();
                    var target = actions switch
                    {
                        ["create"] => add,
                        ["update"] => change,
                        ["delete"] => destroy,
                        ["delete", "create"] or ["create", "delete"] => replace,
                        _ => null, // no-op, read, forget: nothing happens to real infrastructure
                    };
                    target?.Add(address);
                    if (target == replace && rc.TryGetProperty("action_reason", out var reason) && reason.GetString() == "replace_because_tainted")
                    {
                        tainted.Add(address);
                    }
                }
            }

            var outputsChange = root.TryGetProperty("output_changes", out var outputs)
                && outputs.EnumerateObject().Any(o => o.Value.GetProperty("actions").EnumerateArray().Any(a => a.GetString() != "no-op"));
            var environment = root.TryGetProperty("variables", out var variables) && variables.TryGetProperty("environment", out var env)
                && env.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : null;
            return new PlanSummary(add, change, replace, destroy, outputsChange) { Environment = environment, Tainted = tainted };
        }
    }

    /// <summary>
    /// The instance keys of what the plan destroys (<c>["web-4"]</c> of <c>terraform_data.host["web-4"]</c>):
    /// hosts are keyed by name in every environment, so these name the hosts that go away.
    /// </summary>
    public IReadOnlySet<string> DestroyedKeys => KeysOf(Destroy);

    /// <summary>The instance keys of what the plan destroys or replaces: the hosts that go away or come back as new machines.</summary>
    public IReadOnlySet<string> DestroyedOrReplacedKeys => KeysOf(Destroy.Concat(Replace));

    /// <summary>The instance keys of what the plan creates: the hosts it adds, among others.</summary>
    public IReadOnlySet<string> AddedKeys => KeysOf(Add);

    private static HashSet<string> KeysOf(IEnumerable<string> addresses) =>
        addresses.Select(a => InstanceKey().Match(a)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [System.Text.RegularExpressions.GeneratedRegex("""\["([^"]+)"\]$""")]
    private static partial System.Text.RegularExpressions.Regex InstanceKey();

    /// <summary>Every address the plan creates, updates, replaces or destroys.</summary>
    public IEnumerable<string> ChangedAddresses => Add.Concat(Change).Concat(Replace).Concat(Destroy);

    /// <summary>The headline followed by each address with Terraform's symbol (+ ~ -/+ -).</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var change in Changes())
        {
            text.AppendLine($"  {change}");
        }

        text.Append(Headline);
        return text.ToString();
    }

    /// <summary>Each address the plan changes with Terraform's symbol: <c>+ terraform_data.host["web-4"]</c>.</summary>
    public IEnumerable<string> Changes() =>
        new[] { ("+", Add), ("~", Change), ("-/+", Replace), ("-", Destroy) }.SelectMany(c => c.Item2.Select(address => $"{c.Item1} {address}"));
}
