using System.Text.Json;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// The <c>--var</c> values of the last applied plan, kept in <c>.platform/&lt;env&gt;/applied-vars.json</c>:
/// a later Plan or Deploy without them keeps the environment as it was applied (after
/// <c>Apply --var=app_nodes=4</c>, a plain Deploy must not quietly plan web-4 away). A value given
/// again with <c>--var</c> wins; Destroy forgets them. Plan writes the values it used beside its plan
/// (<c>plan.tfplan.vars.json</c>), and Apply adopts them once that plan is applied, so a reviewed plan
/// applied later remembers what it was planned with.
/// </summary>
public static class RememberedVariables
{
    public static string FileOf(EnvironmentLayout layout) => Path.Combine(layout.StateDir, "applied-vars.json");

    public static string BesidePlan(string planFile) => planFile + ".vars.json";

    /// <summary>The remembered values the run does not set itself, then the run's own (<c>name=value</c> each).</summary>
    /// <param name="reporter">Told of each value kept; null: nobody (a saved plan is applied with the values it was made with).</param>
    public static IReadOnlyList<string> Merge(EnvironmentLayout layout, IReadOnlyList<string> given, IReporter? reporter)
    {
        var names = given.Select(Name).ToHashSet(StringComparer.Ordinal);
        var kept = Read(FileOf(layout)).Where(v => !names.Contains(Name(v))).ToList();
        foreach (var value in kept)
        {
            reporter?.Info($"Keeping --var={value} from the last Apply (pass --var={Name(value)}=… to change it).");
        }

        return [.. kept, .. given];
    }

    public static void WriteBesidePlan(string planFile, IReadOnlyList<string> values) =>
        AtomicFile.WriteAllText(BesidePlan(planFile), JsonSerializer.Serialize(values), AtomicFile.OwnerOnly);

    /// <summary>After <paramref name="planFile"/> was applied: its values become the remembered ones (a plan from elsewhere, without them, changes nothing).</summary>
    public static void AdoptFromPlan(EnvironmentLayout layout, string planFile)
    {
        if (File.Exists(BesidePlan(planFile)))
        {
            AtomicFile.WriteAllText(FileOf(layout), JsonSerializer.Serialize(Read(BesidePlan(planFile))), AtomicFile.OwnerOnly);
        }
    }

    public static void Forget(EnvironmentLayout layout) => File.Delete(FileOf(layout));

    private static string Name(string value) => value.Split('=', 2)[0].Trim();

    private static IReadOnlyList<string> Read(string file)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<string>>(File.ReadAllText(file)) ?? [];
        }
        catch (JsonException e)
        {
            throw new PlatformException($"{file} is not a list of name=value strings ({e.Message}). Fix or delete it (it only remembers the --var values of the last Apply).");
        }
    }
}
