using Catalog.Client;

namespace Catalog.Smoke;

/// <summary>Dry runs are validated and answered like real changes, and change nothing.</summary>
public sealed class DryRunSmokeTests : SmokeTest
{
    [Test]
    public async Task DryRunCreateStoresNothing()
    {
        var name = Items.NewName("dry-create");

        var change = await DryRunCatalog.CreateAsync(new ItemDraft(name, 3.50m));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(change is { DryRun: true, Action: ItemChange.CreateAction }, Is.True);
            Assert.That(change.Item?.Name, Is.EqualTo(name));
            Assert.That(change.Item?.Id, Is.Zero, "nothing was stored, so there is no id");
            Assert.That(await Catalog.ListAsync(search: name), Is.Empty);
        }
    }

    [Test]
    public async Task DryRunUpdateChangesNothing()
    {
        var item = await Items.CreateAsync(new ItemDraft(Items.NewName("dry-update"), 1m));

        var change = await DryRunCatalog.UpdateAsync(item.Id, new ItemDraft(item.Name + "-renamed", 2m));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(change is { DryRun: true, Action: ItemChange.UpdateAction }, Is.True);
            Assert.That(change.Before, Is.EqualTo(item));
            Assert.That(change.Item?.Price, Is.EqualTo(2m));
            Assert.That(await Catalog.GetAsync(item.Id), Is.EqualTo(item), "the stored item is unchanged");
        }
    }

    [Test]
    public async Task DryRunDeleteKeepsTheItem()
    {
        var item = await Items.CreateAsync(new ItemDraft(Items.NewName("dry-delete"), 1m));

        var change = await DryRunCatalog.DeleteAsync(item.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(change is { DryRun: true, Action: ItemChange.DeleteAction }, Is.True);
            Assert.That(change.Item, Is.EqualTo(item));
            Assert.That(await Catalog.FindAsync(item.Id), Is.EqualTo(item), "the item is still there");
        }
    }

    [Test]
    public async Task DryRunIsValidatedLikeARealChange()
    {
        var refused = await Assert.ThrowsAsync<CatalogValidationException>(() => DryRunCatalog.CreateAsync(new ItemDraft(" ", 1m)));

        Assert.That(refused.Errors, Does.ContainKey("name"));
    }
}
