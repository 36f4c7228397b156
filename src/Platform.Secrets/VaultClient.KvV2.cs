using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Secrets;

/// <summary>One version of a KV v2 secret: its fields (non-string values as JSON text) and metadata.</summary>
public sealed record VaultKvSecret(IReadOnlyDictionary<string, string?> Data, int Version, DateTimeOffset CreatedTime);

/// <summary>
/// KV secrets engine version 2 on <see cref="VaultOptions.KvMount"/>: data under <c>/v1/&lt;mount&gt;/data/&lt;path&gt;</c>,
/// listing and whole-key deletion under <c>/v1/&lt;mount&gt;/metadata/&lt;path&gt;</c>. Every value read or written
/// is registered with the redactor.
/// </summary>
public sealed partial class VaultClient
{
    /// <summary>Reads the latest version, or <paramref name="version"/>. Throws <see cref="VaultNotFoundException"/> when absent or deleted.</summary>
    public async Task<VaultKvSecret> ReadKvAsync(string path, int? version = null, CancellationToken cancellation = default)
    {
        var apiPath = KvPath("data", path);
        var query = version is { } v ? "?version=" + v.ToString(CultureInfo.InvariantCulture) : string.Empty;
        var reply = await SendWithTokenAsync(HttpMethod.Get, apiPath, null, cancellation, query);
        var display = "/v1/" + apiPath;
        if (reply?["data"]?["data"] is not JsonObject fields)
        {
            // A deleted or destroyed version: Vault keeps its metadata but no data.
            throw new VaultNotFoundException($"Vault has no data at GET {display} (the version was deleted or destroyed).", "GET", display, [])
            {
                DeletedVersion = VaultErrors.KvMetadataVersion(reply),
            };
        }

        var metadata = reply["data"]?["metadata"];
        var data = fields.ToDictionary(
            f => f.Key,
            f => f.Value is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : f.Value?.ToJsonString());
        foreach (var value in data.Values)
        {
            _redactor.Register(value);
        }

        return new VaultKvSecret(
            data,
            Require<int>(metadata?["version"], "data.metadata.version", "GET", display),
            ParseTime(Require<string>(metadata?["created_time"], "data.metadata.created_time", "GET", display), "data.metadata.created_time", display));
    }

    /// <summary>Writes a new version (<c>{"data":{…}}</c>) and returns its number.</summary>
    /// <param name="cas">
    /// Check-and-set (<c>options.cas</c>): Vault writes only if the key's current version is this one (0: only if the
    /// key does not exist) and answers 400 otherwise. Null sends none, which a mount with <c>cas_required</c> refuses.
    /// </param>
    public async Task<int> WriteKvAsync(string path, IReadOnlyDictionary<string, string> data, int? cas = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var value in data.Values)
        {
            _redactor.Register(value);
        }

        var apiPath = KvPath("data", path);
        var fields = new JsonObject(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
        var body = new JsonObject { ["data"] = fields };
        if (cas is { } version)
        {
            body["options"] = new JsonObject { ["cas"] = version };
        }

        var reply = await SendWithTokenAsync(HttpMethod.Post, apiPath, body, cancellation);
        return Require<int>(reply?["data"]?["version"], "data.version", "POST", "/v1/" + apiPath);
    }

    /// <summary>The names directly under <paramref name="folder"/> (sub-folders end with '/'), sorted; empty when there is nothing.</summary>
    public async Task<IReadOnlyList<string>> ListKvAsync(string folder, CancellationToken cancellation = default)
    {
        var apiPath = KvPath("metadata", folder.Length == 0 || folder.EndsWith('/') ? folder : folder + "/");
        JsonNode? reply;
        try
        {
            reply = Options.ListWithGet
                ? await SendWithTokenAsync(HttpMethod.Get, apiPath, null, cancellation, "?list=true")
                : await SendWithTokenAsync(ListMethod, apiPath, null, cancellation);
        }
        catch (VaultNotFoundException ex) when (ex.IsAbsent)
        {
            // Vault answers 404 for a folder with nothing in it.
            return [];
        }

        if (reply?["data"]?["keys"] is not JsonArray keys)
        {
            throw Unexpected("data.keys", ListMethod.Method, "/v1/" + apiPath);
        }

        return keys.Select(k => Require<string>(k, "data.keys", ListMethod.Method, "/v1/" + apiPath)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Soft-deletes the latest version (<c>DELETE …/data/…</c>); older versions and the history stay.</summary>
    public async Task DeleteKvLatestAsync(string path, CancellationToken cancellation = default) =>
        await SendWithTokenAsync(HttpMethod.Delete, KvPath("data", path), null, cancellation);

    /// <summary>Deletes the key with all its versions and metadata (<c>DELETE …/metadata/…</c>).</summary>
    public async Task DeleteKvAllAsync(string path, CancellationToken cancellation = default) =>
        await SendWithTokenAsync(HttpMethod.Delete, KvPath("metadata", path), null, cancellation);

    private string KvPath(string kind, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return $"{EscapePath(Options.KvMount)}/{kind}/{EscapePath(path.TrimStart('/'))}";
    }

    private static DateTimeOffset ParseTime(string text, string field, string display) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new VaultException($"Vault's answer to GET {display} has an unreadable '{field}'.", "GET", display, HttpStatusCode.OK, []);
}
