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
    /// <param name="platformFilled">Variables Platform passes itself: a value remembered for one (from before they were refused as --var) is dropped, and said.</param>
    /// <param name="sensitive">Variables the configuration declares sensitive (name → declaring file): one remembered from before it was declared so refuses the run, its value unsaid.</param>
    public static IReadOnlyList<string> Merge(EnvironmentLayout layout, IReadOnlyList<string> given, IReporter? reporter, IReadOnlySet<string>? platformFilled = null, IReadOnlyDictionary<string, string>? sensitive = null)
    {
        var names = given.Select(Name).ToHashSet(StringComparer.Ordinal);
        var remembered = Read(FileOf(layout));
        if (remembered.Select(Name).FirstOrDefault(n => sensitive?.ContainsKey(n) == true) is { } secret)
        {
            // Dropping it would plan the variable back to its default; keeping it would print it. The user moves it.
            throw new PlatformException(Path.GetFileName(sensitive![secret]) == EnvironmentLayout.SettingsFileName
                ? $"{FileOf(layout)} keeps a --var value for {secret}, which {sensitive[secret]} now takes from the secrets store (terraformEnvironment: TF_VAR_{secret}). Remove it from {FileOf(layout)} (store the value under the key named there, if it is not yet). Nothing was changed."
                : $"{FileOf(layout)} keeps a --var value for {secret}, which {sensitive[secret]} now declares sensitive. Move it to the secrets store: {TerraformVariables.FromSecretsStore(secret, sensitive[secret])} Then remove it from {FileOf(layout)}. Nothing was changed.");
        }

        foreach (var dropped in remembered.Where(v => platformFilled?.Contains(Name(v)) == true))
        {
            reporter?.Warn($"Not keeping --var={Name(dropped)}=… from an earlier Apply ({FileOf(layout)}): Platform passes {Name(dropped)} to Terraform itself.");
        }

        var kept = remembered.Where(v => !names.Contains(Name(v)) && platformFilled?.Contains(Name(v)) != true).ToList();
        foreach (var value in kept)
        {
            reporter?.Info($"Keeping --var={value} from the last Apply (pass --var={Name(value)}=… to change it).");
        }

        return [.. kept, .. given];
    }

    public static void WriteBesidePlan(string planFile, IReadOnlyList<string> values) =>
        AtomicFile.WriteAllText(BesidePlan(planFile), JsonSerializer.Serialize(values), AtomicFile.OwnerOnly);

    /// <summary>
    /// After <paramref name="planFile"/> was applied (or Terraform was interrupted applying it, or failed after changing
    /// part of it): the values Plan wrote beside it become the remembered ones. A plan from elsewhere, without them, changes nothing remembered (the
    /// values cannot be told apart from those of tfvars files or the environment): <paramref name="reporter"/> is told so.
    /// </summary>
    /// <returns>False when the plan came without its values (and the remembered ones were kept).</returns>
    /// <param name="shownAs">The plan file as the user knows it, when <paramref name="planFile"/> is Apply's copy of it.</param>
    public static bool AdoptFromPlan(EnvironmentLayout layout, string planFile, IReporter reporter, string? shownAs = null)
    {
        if (File.Exists(BesidePlan(planFile)))
        {
            AtomicFile.WriteAllText(FileOf(layout), JsonSerializer.Serialize(Read(BesidePlan(planFile))), AtomicFile.OwnerOnly);
            return true;
        }

        var shown = shownAs ?? planFile;
        reporter.Warn($"{shown} came without the --var values Plan wrote beside it ({Path.GetFileName(BesidePlan(shown))}): the remembered ones ({FileOf(layout)}) are kept as they were. If this plan was made with other --var values, pass them again on the next Plan or Deploy, or it plans the environment back.");
        return false;
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
            // "null" (or a null inside) is no list of values: read as none, the next plan would go back to the defaults.
            var values = JsonSerializer.Deserialize<List<string?>>(File.ReadAllText(file));
            if (values is null || values.Any(v => v is null || !v.Contains('=', StringComparison.Ordinal)))
            {
                throw new JsonException("not a list of \"name=value\" strings", null, 0, null);
            }

            return values!;
        }
        catch (JsonException e)
        {
            // Deleting it is no fix: the next plan would go back to the configuration's defaults, replacing what they change.
            throw new PlatformException($"{file} is not a JSON list of \"name=value\" strings (line {(e.LineNumber ?? 0) + 1}). It holds the --var values the environment was last applied with, which later runs keep: restore it (e.g. [\"app_nodes=4\"]). Deleting it makes the next plan go back to the defaults, which can replace hosts: then pass every --var the environment was applied with. Nothing was changed.");
        }
    }
}
