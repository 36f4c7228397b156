using Catalog.Client;

namespace Catalog.Smoke;

/// <summary>
/// The items a smoke run creates: every name starts with a prefix unique to the run, so the run can find
/// and delete all of them afterwards (even one whose create answer was lost) and never touches real data.
/// </summary>
public sealed class SmokeItems(ICatalogClient catalog)
{
    /// <summary>Shared by every fixture of one run.</summary>
    public static readonly string RunPrefix = $"smoke-{Guid.NewGuid():N}"[..14] + "-";

    private readonly List<long> _created = [];
    private int _names;

    /// <summary>A name no other item has: the run prefix, a label and a counter.</summary>
    public string NewName(string label) => $"{RunPrefix}{label}-{Interlocked.Increment(ref _names)}";

    /// <summary>Creates a real item and remembers it for <see cref="DeleteCreatedAsync"/>.</summary>
    public async Task<Item> CreateAsync(ItemDraft draft, CancellationToken cancellationToken = default)
    {
        var change = await catalog.CreateAsync(draft, cancellationToken);
        Assert.That(change.Item, Is.Not.Null, "a real create answers the stored item");
        _created.Add(change.Item!.Id);
        return change.Item;
    }

    /// <summary>Deletes what this fixture created (already deleted is fine).</summary>
    public async Task DeleteCreatedAsync()
    {
        foreach (var id in _created)
        {
            await DeleteIfPresentAsync(id);
        }

        _created.Clear();
    }

    /// <summary>Deletes anything left with the run's prefix, e.g. after a create whose answer never arrived.</summary>
    public async Task DeleteLeftoversAsync()
    {
        foreach (var item in await catalog.ListAsync(limit: 1000, search: RunPrefix))
        {
            await DeleteIfPresentAsync(item.Id);
        }
    }

    private async Task DeleteIfPresentAsync(long id)
    {
        try
        {
            await catalog.DeleteAsync(id);
        }
        catch (CatalogNotFoundException)
        {
            // The test deleted it itself.
        }
    }
}
