using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// The variables Platform passes to Terraform: the environment's <c>terraformVariables</c> from
/// platform.json with <c>${…}</c> placeholders filled in, written to a JSON var file (taken
/// literally by Terraform), plus the user's <c>--var=name=value</c> overrides.
/// </summary>
public sealed class TerraformVariables
{
    private readonly Dictionary<string, JsonNode?> _values = new(StringComparer.Ordinal);
    private readonly List<(string Name, string Value)> _overrides = [];

    public IReadOnlyDictionary<string, JsonNode?> Values => _values;

    public IReadOnlyList<(string Name, string Value)> Overrides => _overrides;

    /// <summary>Fills the placeholders: each value is either a string with <c>${name}</c>, or exactly <c>"${name}"</c> to take a list.</summary>
    public static TerraformVariables Resolve(
        IReadOnlyDictionary<string, JsonNode?> templates,
        string source,
        IReadOnlyDictionary<string, JsonNode> placeholders,
        IEnumerable<string> overrides,
        IReadOnlyDictionary<string, string>? sensitive = null)
    {
        var result = new TerraformVariables();
        foreach (var (name, template) in templates)
        {
            result._values[name] = Fill(template, placeholders, $"{source}.{name}");
        }

        result._overrides.AddRange(ParseOverrides(overrides, templates, source, sensitive));
        return result;
    }

    /// <summary>
    /// The user's <c>--var=name=value</c> overrides, refusing a malformed one and one of the variables
    /// Platform fills in itself (those of platform.json's <c>terraformVariables</c> made of <c>${…}</c>
    /// placeholders: where state lives, who the hosts trust), which no run may move. A plain value there is
    /// the environment's default, which <c>--var</c> may override. A variable the configuration declares
    /// sensitive (<paramref name="sensitive"/>: name → declaring file) is refused too: its value comes from the secrets store.
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> ParseOverrides(IEnumerable<string> overrides, IReadOnlyDictionary<string, JsonNode?> templates, string source, IReadOnlyDictionary<string, string>? sensitive = null)
    {
        var platformVariables = PlatformFilled(templates);
        var parsed = new List<(string Name, string Value)>();
        foreach (var raw in overrides)
        {
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? raw[..eq].Trim() : string.Empty;
            if (!IsName(name))
            {
                throw new PlatformException($"--var={raw} is not valid: expected --var=name=value (e.g. --var=app_nodes=4).");
            }

            if (platformVariables.Contains(name))
            {
                throw new PlatformException($"--var={name}=… cannot be given: Platform passes {name} to Terraform itself ({source}). Leave it out.");
            }

            if (sensitive?.GetValueOrDefault(name) is { } declaredIn)
            {
                throw SensitiveGiven(name, declaredIn);
            }

            parsed.Add((name, raw[(eq + 1)..]));
        }

        return parsed;
    }

    /// <summary>
    /// A sensitive variable given as <c>--var</c>: its value would show in the process list, the output and the files that
    /// remember <c>--var</c> values. The value is not repeated here.
    /// </summary>
    public static PlatformException SensitiveGiven(string name, string declaredIn) =>
        Path.GetFileName(declaredIn) == EnvironmentLayout.SettingsFileName
            ? new($"--var={name}=… cannot be given: {declaredIn} takes {name} from the secrets store (terraformEnvironment: TF_VAR_{name}), and a --var value shows in the process list and the run's output and is kept in files. To change it, store the new value under the key named there: printf '%s' \"$VALUE\" | ./build.sh --target=StoreSecret --environment={Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(declaredIn)))} --secret=KEY. Nothing was changed.")
            : new($"--var={name}=… cannot be given: {declaredIn} declares {name} sensitive, and a --var value shows in the process list and the run's output and is kept in files. {FromSecretsStore(name, declaredIn)} Nothing was changed.");

    /// <summary>How a sensitive variable gets its value: named in platform.json first (StoreSecret takes only the keys it names), then stored.</summary>
    public static string FromSecretsStore(string name, string declaredIn)
    {
        var infraDir = Path.GetDirectoryName(Path.GetFullPath(declaredIn))!;
        var environment = Path.GetFileName(infraDir);
        return $"Name it in {Path.Combine(infraDir, "platform.json")} under terraformEnvironment (\"TF_VAR_{name}\": \"secret:KEY\"), then store the value: printf '%s' \"$VALUE\" | ./build.sh --target=StoreSecret --environment={environment} --secret=KEY.";
    }

    /// <summary>The variables of platform.json's <c>terraformVariables</c> that Platform fills in (made of <c>${…}</c> placeholders).</summary>
    public static IReadOnlySet<string> PlatformFilled(IReadOnlyDictionary<string, JsonNode?> templates) => templates
        .Where(t => t.Value is JsonValue v && v.TryGetValue<string>(out var text) && text.Contains("${", StringComparison.Ordinal))
        .Select(t => t.Key)
        .ToHashSet(StringComparer.Ordinal);

    // Terraform's identifiers: a letter or underscore, then letters, digits, underscores and dashes.
    private static bool IsName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>The values as <c>name=value</c> strings (for <c>-backend-config</c>).</summary>
    public IEnumerable<string> AsPairs() =>
        _values.Select(kv => $"{kv.Key}={(kv.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : kv.Value?.ToJsonString())}");

    /// <summary>Writes the var file and returns the arguments for plan/destroy.</summary>
    public IReadOnlyList<string> ToArguments(string varFile)
    {
        var document = new JsonObject();
        foreach (var (name, value) in _values)
        {
            document[name] = value?.DeepClone();
        }

        AtomicFile.WriteAllText(varFile, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), AtomicFile.OwnerOnly);
        return [$"-var-file={varFile}", .. _overrides.Select(o => $"-var={o.Name}={o.Value}")];
    }

    private static JsonNode? Fill(JsonNode? template, IReadOnlyDictionary<string, JsonNode> placeholders, string where)
    {
        if (template is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            return template?.DeepClone();
        }

        var trimmed = text.Trim();
        if (trimmed.StartsWith("${", StringComparison.Ordinal) && trimmed.EndsWith('}') && trimmed.IndexOf('}') == trimmed.Length - 1)
        {
            return Lookup(trimmed[2..^1], placeholders, where).DeepClone();
        }

        var filled = text;
        foreach (var (name, replacement) in placeholders)
        {
            var token = "${" + name + "}";
            if (filled.Contains(token, StringComparison.Ordinal))
            {
                filled = filled.Replace(token, replacement is JsonValue v && v.TryGetValue<string>(out var s) ? s : replacement.ToJsonString(), StringComparison.Ordinal);
            }
        }

        if (filled.Contains("${", StringComparison.Ordinal))
        {
            throw new PlatformException($"{where} uses an unknown placeholder in \"{text}\". Known: {string.Join(", ", placeholders.Keys.Select(k => "${" + k + "}"))}.");
        }

        return JsonValue.Create(filled);
    }

    private static JsonNode Lookup(string name, IReadOnlyDictionary<string, JsonNode> placeholders, string where) =>
        placeholders.TryGetValue(name, out var node)
            ? node
            : throw new PlatformException($"{where} uses the unknown placeholder ${{{name}}}. Known: {string.Join(", ", placeholders.Keys.Select(k => "${" + k + "}"))}.");
}
