namespace Catalog.Client;

/// <summary>What <c>GET /version</c> answers: which release serves and which schemas it needs and sees.</summary>
public sealed record CatalogVersion
{
    /// <summary>The release number, e.g. 1.1.0.</summary>
    public string Release { get; init; } = string.Empty;

    /// <summary>The database schema this release requires: 2 for release N, 3 from release N+1 (descriptions).</summary>
    public int Schema { get; init; }

    /// <summary>The schema the database has; null when the service cannot reach its database.</summary>
    public int? DatabaseSchema { get; init; }
}
