using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Core;

/// <summary>
/// An environment's <c>infra/&lt;env&gt;/platform.json</c>: which secrets backend it uses, which
/// tools it needs on the operator's machine, and which variables Platform passes to Terraform
/// (values may use <c>${stateDir}</c>, <c>${osUser}</c>, <c>${circlePublicKeys}</c>, <c>${repoRoot}</c>).
/// </summary>
public sealed class EnvironmentSettings
{
    private EnvironmentSettings(string source, JsonObject root)
    {
        Source = source;
        Root = root;
    }

    public string Source { get; }

    /// <summary>The raw document, for sections a step reads itself (e.g. <c>secrets</c>).</summary>
    public JsonObject Root { get; }

    public string SecretsBackend => Section("secrets")?["backend"]?.GetValue<string>() ?? "local";

    public IReadOnlyList<string> Requires =>
        Root["requires"] is JsonArray list ? list.Select(n => n!.GetValue<string>()).ToList() : [];

    /// <summary>Resources a plan made in the same run may destroy or replace (see DestructionGuard): derived configuration, nothing that holds data.</summary>
    public IReadOnlyList<string> Replaceable =>
        Root["replaceable"] is JsonArray list ? list.Select(n => n!.GetValue<string>()).ToList() : [];

    /// <summary>
    /// A script (relative to the environment's folder) that Apply runs after Terraform to start again
    /// what stopped on hosts that exist (the local hosts are processes: a reboot stops them); null: none.
    /// </summary>
    public string? StartStopped => Root["startStopped"]?.GetValue<string>();

    public IReadOnlyDictionary<string, JsonNode?> TerraformVariables =>
        Root["terraformVariables"] is JsonObject vars ? vars.ToDictionary(p => p.Key, p => p.Value) : new Dictionary<string, JsonNode?>();

    /// <summary>Settings for Terraform's backend block (<c>terraform init -backend-config=k=v</c>), same placeholders.</summary>
    public IReadOnlyDictionary<string, JsonNode?> TerraformBackendConfig =>
        Root["terraformBackendConfig"] is JsonObject config ? config.ToDictionary(p => p.Key, p => p.Value) : new Dictionary<string, JsonNode?>();

    public JsonObject? Section(string name) => Root[name] as JsonObject;

    /// <summary>The secrets store key a <c>terraformEnvironment</c> value names (<c>secret:KEY</c>), or null for a plain value.</summary>
    public static string? SecretKeyIn(string value) => value.StartsWith("secret:", StringComparison.Ordinal) ? value["secret:".Length..] : null;

    /// <summary>The secrets the user provides (<c>terraformEnvironment</c>'s <c>secret:KEY</c> values), by the variable each fills.</summary>
    public IReadOnlyDictionary<string, string> UserSecrets =>
        (Section("terraformEnvironment") ?? [])
            .Select(p => (Variable: p.Key, Key: p.Value is JsonValue v && v.TryGetValue<string>(out var text) ? SecretKeyIn(text) : null))
            .Where(p => p.Key is not null)
            .ToDictionary(p => p.Variable, p => p.Key!);

    /// <summary>A string setting at a dotted path (<c>"secrets.vault.mount"</c>), or null.</summary>
    public string? Get(string dottedPath)
    {
        JsonNode? node = Root;
        foreach (var part in dottedPath.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString();
    }

    /// <summary>Loads the environment's settings; a missing file means all defaults.</summary>
    public static EnvironmentSettings Load(EnvironmentLayout layout)
    {
        layout.RequireInfraDir();
        var path = layout.SettingsFile;
        return File.Exists(path) ? Parse(File.ReadAllText(path), path) : new EnvironmentSettings(path, []);
    }

    public static EnvironmentSettings Parse(string json, string source)
    {
        try
        {
            var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return node is JsonObject root
                ? Validate(new EnvironmentSettings(source, root))
                : throw new PlatformException($"{source} must hold a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new PlatformException($"{source} is not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}): {ex.Message.Split(" LineNumber:")[0]}", ex);
        }
    }

    private static EnvironmentSettings Validate(EnvironmentSettings settings)
    {
        var backend = settings.Section("secrets")?["backend"];
        if (backend is not null && (backend.GetValueKind() != JsonValueKind.String || backend.GetValue<string>() is not ("local" or "vault")))
        {
            throw new PlatformException($"{settings.Source}: secrets.backend is {backend.ToJsonString()}; expected \"local\" or \"vault\".");
        }

        if (settings.Root["requires"] is { } requires && (requires is not JsonArray array || array.Any(n => n?.GetValueKind() != JsonValueKind.String)))
        {
            throw new PlatformException($"{settings.Source}: 'requires' must be a list of tool names.");
        }

        if (settings.Root["replaceable"] is { } replaceable && (replaceable is not JsonArray list || list.Any(n => n?.GetValueKind() != JsonValueKind.String)))
        {
            throw new PlatformException($"{settings.Source}: 'replaceable' must be a list of Terraform resource addresses (e.g. \"terraform_data.haproxy_backends\").");
        }

        if (settings.Root["startStopped"] is { } script && (script.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(script.GetValue<string>())))
        {
            throw new PlatformException($"{settings.Source}: 'startStopped' must be the path of a script, relative to the environment's folder (e.g. \"scripts/start-stopped.sh\").");
        }

        if (settings.Root["terraformVariables"] is { } vars && vars is not JsonObject)
        {
            throw new PlatformException($"{settings.Source}: 'terraformVariables' must be an object of variable names to values.");
        }

        return settings;
    }
}
