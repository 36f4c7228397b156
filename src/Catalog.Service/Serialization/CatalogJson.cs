using System.Text.Json;
using System.Text.Json.Serialization;
using Catalog.Service.Health;
using Catalog.Service.Items;
using Catalog.Service.Testing;

namespace Catalog.Service.Serialization;

/// <summary>
/// Every type the service reads or writes as JSON, generated at compile time. Releases are compiled
/// ahead of time (native, no JIT), where reflection-based serialization is not available; reflection is
/// switched off in every build (Catalog.Service.csproj) so a type missing here fails in tests too.
/// <see cref="DryRunResult"/> holds an <see cref="Item"/> or <see cref="ItemFields"/> as object: both are listed.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Item))]
[JsonSerializable(typeof(IReadOnlyList<Item>))]
[JsonSerializable(typeof(ItemRequest))]
[JsonSerializable(typeof(ItemFields))]
[JsonSerializable(typeof(DryRunResult))]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(VersionInfo))]
[JsonSerializable(typeof(DelayResult))]
internal sealed partial class CatalogJson : JsonSerializerContext;
