using System.Text.Json;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// A saved plan is applied exactly as it was made: Terraform takes no variables with it. A
/// <c>--var</c> given with <c>--plan=FILE</c> that differs from the value the plan was made with would
/// be dropped without a word (Apply --var=app_nodes=4 applying a plan of 3 nodes), so it is refused.
/// </summary>
public static class SavedPlanVariables
{
    /// <summary>Refuses the run when a given <c>name=value</c> differs from the plan's value (from <c>terraform show -json</c>).</summary>
    public static void Check(string showJson, IReadOnlyList<string> given, string planFile)
    {
        if (given.Count == 0)
        {
            return;
        }

        using var doc = JsonDocument.Parse(showJson);
        var planned = doc.RootElement.TryGetProperty("variables", out var variables) ? variables : default;
        // As Terraform takes them: of a variable given twice, the last value counts.
        var last = given.Select(pair => (Pair: pair, Name: pair.Split('=', 2)[0].Trim(), Value: pair.Contains('=', StringComparison.Ordinal) ? pair.Split('=', 2)[1] : string.Empty))
            .GroupBy(g => g.Name, StringComparer.Ordinal).Select(g => g.Last());
        foreach (var (pair, name, value) in last)
        {
            var had = planned.ValueKind == JsonValueKind.Object && planned.TryGetProperty(name, out var v) && v.TryGetProperty("value", out var pv) ? pv : (JsonElement?)null;
            if (had is { } p && Same(p, value))
            {
                continue;
            }

            // The value of a variable declared sensitive is not repeated (nor the one given: it would be refused as --var anyway).
            var was = had is not { } q ? $"has no variable {name}" : DeclaredSensitive(doc.RootElement, name) ? $"was made with another value of {name}" : $"was made with {name}={Show(q)}";
            throw new PlatformException(
                $"--var={pair}: the plan {planFile} {was}, and a saved plan is applied exactly as it was made (Terraform takes no variables with it). Plan again with this value and review that plan (./build.sh --target=Plan --var={pair}), or leave --var out to apply this one. Nothing was changed.");
        }
    }

    // As terraform show -json describes the configuration: "configuration": {"root_module": {"variables": {"x": {"sensitive": true}}}}.
    private static bool DeclaredSensitive(JsonElement plan, string name) =>
        plan.TryGetProperty("configuration", out var configuration)
        && configuration.TryGetProperty("root_module", out var root)
        && root.TryGetProperty("variables", out var declared)
        && declared.TryGetProperty(name, out var variable)
        && variable.TryGetProperty("sensitive", out var sensitive)
        && sensitive.ValueKind == JsonValueKind.True;

    private static string Show(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    // A number or a list compares by its text without spaces (--var=app_nodes=3, --var='slot_ports=[8081, 8082]').
    private static bool Same(JsonElement planned, string given) => planned.ValueKind switch
    {
        JsonValueKind.String => planned.GetString() == given,
        _ => string.Concat(planned.GetRawText().Where(c => !char.IsWhiteSpace(c))) == string.Concat(given.Where(c => !char.IsWhiteSpace(c))),
    };
}
