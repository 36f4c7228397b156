using System.Text.Json.Nodes;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// What a failed <c>terraform apply</c> of a saved plan changed before it stopped: the planned addresses whose
/// objects in the state now (<c>terraform show -json</c>) differ from those in the plan's prior state (created,
/// destroyed, updated, left tainted by a provisioner that failed). Only planned addresses count: an apply changes
/// nothing else, and a resource the plan's refresh saw drift on, but that it leaves alone, is no change of this apply.
/// </summary>
public static class StateChanges
{
    /// <param name="planJson"><c>terraform show -json</c> of the saved plan.</param>
    /// <param name="stateJson"><c>terraform show -json</c> of the state after the apply.</param>
    /// <param name="planned">The addresses the plan creates, updates, replaces or destroys.</param>
    public static IReadOnlyList<string> Since(string planJson, string stateJson, IEnumerable<string> planned)
    {
        var before = Objects(Parse(planJson, "the saved plan")?["prior_state"]?["values"]?["root_module"]);
        var after = Objects(Parse(stateJson, "the state")?["values"]?["root_module"]);
        return [.. planned.Distinct(StringComparer.Ordinal).Where(a => !Same(before, after, a)).Order(StringComparer.Ordinal)];
    }

    private static JsonNode? Parse(string json, string what)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new PlatformException($"`terraform show -json` of {what} is not JSON: {ex.Message}", ex);
        }
    }

    private static bool Same(Dictionary<string, List<JsonNode>> before, Dictionary<string, List<JsonNode>> after, string address)
    {
        var was = before.GetValueOrDefault(address) ?? [];
        var now = after.GetValueOrDefault(address) ?? [];
        return was.Count == now.Count && was.Zip(now).All(pair => JsonNode.DeepEquals(pair.First, pair.Second));
    }

    // Each address's objects (the current one, and any deposed by a create-before-destroy), as far as an apply
    // changes them: their values, whether tainted, and which are deposed. Modules nest under child_modules.
    private static Dictionary<string, List<JsonNode>> Objects(JsonNode? module)
    {
        var objects = new Dictionary<string, List<JsonNode>>(StringComparer.Ordinal);
        var pending = new Stack<JsonNode>();
        if (module is not null)
        {
            pending.Push(module);
        }

        while (pending.TryPop(out var current))
        {
            foreach (var resource in current["resources"]?.AsArray().OfType<JsonNode>() ?? [])
            {
                var address = resource["address"]?.GetValue<string>() ?? string.Empty;
                var compared = new JsonObject
                {
                    ["values"] = resource["values"]?.DeepClone(),
                    ["tainted"] = resource["tainted"]?.DeepClone(),
                    ["deposed_key"] = resource["deposed_key"]?.DeepClone(),
                };
                (objects.TryGetValue(address, out var list) ? list : objects[address] = []).Add(compared);
            }

            foreach (var child in current["child_modules"]?.AsArray().OfType<JsonNode>() ?? [])
            {
                pending.Push(child);
            }
        }

        return objects;
    }
}
