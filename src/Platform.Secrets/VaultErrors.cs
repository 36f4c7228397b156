using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Core;

namespace Platform.Secrets;

/// <summary>Turns a failed Vault response (<c>{"errors":["…"]}</c>) into the matching <see cref="VaultException"/>.</summary>
internal static class VaultErrors
{
    private const int MaxNonJsonBody = 200;

    /// <summary>
    /// Vault's <c>errors[]</c>, each on one line (Vault often sends "1 error occurred:\n\t* …").
    /// A body that is not Vault JSON (a proxy's page) is kept, shortened, as the only error.
    /// </summary>
    public static IReadOnlyList<string> Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(body) is JsonObject reply && reply["errors"] is JsonArray errors ? Lines(errors) : [];
        }
        catch (JsonException)
        {
            var text = OneLine(body);
            return [text.Length > MaxNonJsonBody ? text[..MaxNonJsonBody] + "…" : text];
        }
    }

    /// <summary>The texts of Vault's <c>errors</c> or <c>warnings</c> array, each on one line.</summary>
    public static IReadOnlyList<string> Lines(JsonArray messages) =>
        messages.Select(e => e?.GetValueKind() == JsonValueKind.String ? e.GetValue<string>() : e?.ToJsonString() ?? string.Empty)
            .Select(OneLine).Where(e => e.Length > 0).ToList();

    /// <summary>
    /// <c>data.metadata.version</c> of a KV v2 answer: Vault answers a read of a deleted or destroyed version
    /// with 404 and that version's metadata, and check-and-set needs its number.
    /// </summary>
    public static int? KvMetadataVersion(JsonNode? reply) =>
        reply is JsonObject && reply["data"] is JsonObject data && data["metadata"]?["version"] is JsonValue version && version.TryGetValue<int>(out var number)
            ? number
            : null;

    private static int? KvMetadataVersion(string body)
    {
        try
        {
            return string.IsNullOrWhiteSpace(body) ? null : KvMetadataVersion(JsonNode.Parse(body));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static VaultException ToException(HttpStatusCode status, string method, string path, Uri address, string body, IReadOnlyList<string> rawErrors, SecretRedactor redactor)
    {
        var errors = rawErrors.Select(redactor.Redact).ToList();
        var detail = errors.Count > 0 ? string.Join("; ", errors) : "(Vault gave no error text)";
        string Say(string message) => redactor.Redact(message);
        return status switch
        {
            HttpStatusCode.BadRequest => new VaultInvalidRequestException(
                Say($"Vault rejected {method} {path} as an invalid request: {detail}."), method, path, errors),
            HttpStatusCode.Forbidden => new VaultPermissionDeniedException(
                Say($"Vault: permission denied on {method} {path}: {detail}; check the token's policies (and that the token has not expired or been revoked)."),
                method, path, errors),
            HttpStatusCode.NotFound => new VaultNotFoundException(
                Say($"Vault has nothing at {method} {path}: {detail}; check the path and that the mount exists."), method, path, errors)
            {
                DeletedVersion = KvMetadataVersion(body),
            },
            HttpStatusCode.ServiceUnavailable => new VaultSealedException(
                Say($"Vault at {address} is sealed or in standby: {detail} ({method} {path}); unseal it, or point {VaultOptions.AddressVariable} at the active node."),
                method, path, errors),
            _ => new VaultException(
                Say($"Vault returned {(int)status} {status} on {method} {path}: {detail}."), method, path, status, errors),
        };
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
