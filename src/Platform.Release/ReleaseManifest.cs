using System.Text.Json;
using Platform.Core;

namespace Platform.Release;

/// <summary>
/// What a release is: written as <c>manifest.json</c> inside the tarball and next to it. The
/// deployer reads the required schema from it; MigrateDb reads the migrations it ships.
/// </summary>
public sealed record ReleaseManifest
{
    public const string Component = "catalog";

    public required string Version { get; init; }

    public required string GitCommit { get; init; }

    public required DateTimeOffset Created { get; init; }

    /// <summary>The database schema version this release needs before it can be ready.</summary>
    public required int RequiredSchema { get; init; }

    /// <summary>The migration level the release was cut at (every migration up to this version is shipped).</summary>
    public required int CatalogSchema { get; init; }

    /// <summary>Migrations shipped, as <c>expand/V1__create_items.sql</c> paths under <c>app/db/</c>.</summary>
    public required IReadOnlyList<string> Migrations { get; init; }

    /// <summary>The file names of the contract migrations shipped (<c>V4__drop_items_search_name.sql</c>).</summary>
    public IReadOnlyList<string> ContractMigrationNames() =>
        [.. Migrations.Where(m => m.StartsWith("contract/", StringComparison.Ordinal)).Select(Path.GetFileName).OfType<string>()];

    /// <summary>Test-only fault injected at build time (<c>none</c> normally).</summary>
    public string Fault { get; init; } = "none";

    /// <summary>Hash of the sources and build settings: the same key means the same release.</summary>
    public required string BuildKey { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Inventory.Json);

    public static ReleaseManifest Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<ReleaseManifest>(json, Inventory.Json) ?? throw new PlatformException($"{source} is empty.");
        }
        catch (JsonException ex)
        {
            throw new PlatformException($"{source} is not a valid release manifest: {ex.Message}", ex);
        }
    }
}
