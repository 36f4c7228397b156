using System.Text.Json;
using System.Text.Json.Serialization;

namespace Catalog.Client;

/// <summary>
/// The client's JSON contract, source-generated (no reflection, trim-safe). camelCase like the server;
/// unknown fields are skipped, so a newer server may add fields without breaking this client; nulls are
/// left out of requests, so an older server never sees a field it does not know.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(Item))]
[JsonSerializable(typeof(List<Item>))]
[JsonSerializable(typeof(ItemDraft))]
[JsonSerializable(typeof(ItemChange))]
[JsonSerializable(typeof(CatalogVersion))]
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
