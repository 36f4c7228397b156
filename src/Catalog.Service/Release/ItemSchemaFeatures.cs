namespace Catalog.Service.Release;

/// <summary>
/// Which item columns a release at a given schema level may use. This is the one place that knows
/// the expand/contract plan: V2 added search_name (release N maintains it), V3 added description
/// (release N+1 uses it and stops touching search_name, so V4 can drop it).
/// </summary>
internal sealed class ItemSchemaFeatures(int schemaLevel)
{
    private const int DescriptionMigration = 3;

    public bool HasDescription => schemaLevel >= DescriptionMigration;

    public bool MaintainsSearchName => schemaLevel < DescriptionMigration;
}
