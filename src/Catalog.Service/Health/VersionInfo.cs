namespace Catalog.Service.Health;

/// <summary>The body of /version: the release, the schema it requires and the schema the database has (null when unreachable).</summary>
internal sealed record VersionInfo(string Release, int Schema, int? DatabaseSchema);
