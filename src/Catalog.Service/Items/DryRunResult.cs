using System.Text.Json.Serialization;

namespace Catalog.Service.Items;

/// <summary>What a write would do, answered by ?dryRun=true instead of doing it.</summary>
internal sealed record DryRunResult(
    bool DryRun,
    string Action,
    object Item,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Before)
{
    public static DryRunResult Create(ItemFields item) => new(true, "create", item, null);

    public static DryRunResult Update(Item before, Item after) => new(true, "update", after, before);

    public static DryRunResult Delete(Item item) => new(true, "delete", item, null);
}
