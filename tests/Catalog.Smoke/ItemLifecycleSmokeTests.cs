using Catalog.Client;

namespace Catalog.Smoke;

/// <summary>The catalog serves its API end to end: create, read, update, delete, list and search.</summary>
public sealed class ItemLifecycleSmokeTests : SmokeTest
{
    [Test]
    public async Task CreateReadUpdateDelete()
    {
        var name = Items.NewName("crud");
        var created = await Items.CreateAsync(new ItemDraft(name, 9.99m));
        var read = await Catalog.GetAsync(created.Id);

        var update = await Catalog.UpdateAsync(created.Id, new ItemDraft(name + "-renamed", 12.50m));
        var afterUpdate = await Catalog.GetAsync(created.Id);

        var delete = await Catalog.DeleteAsync(created.Id);
        var afterDelete = await Catalog.FindAsync(created.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.Id, Is.Positive);
            Assert.That(read, Is.EqualTo(created));
            Assert.That(update is { DryRun: false, Action: ItemChange.UpdateAction }, Is.True);
            Assert.That(afterUpdate.Name, Is.EqualTo(name + "-renamed"));
            Assert.That(afterUpdate.Price, Is.EqualTo(12.50m));
            Assert.That(delete is { DryRun: false, Action: ItemChange.DeleteAction }, Is.True);
            Assert.That(afterDelete, Is.Null, "the item is gone");
        }

        await Assert.ThrowsAsync<CatalogNotFoundException>(() => Catalog.GetAsync(created.Id));
    }

    [Test]
    public async Task ListWithSearchFindsExactlyTheMatchingItems()
    {
        var token = Items.NewName("search");
        var lamp = await Items.CreateAsync(new ItemDraft($"{token} lamp, brass", 20m));
        var lampShade = await Items.CreateAsync(new ItemDraft($"{token} LAMP shade", 5m));
        await Items.CreateAsync(new ItemDraft($"{token} chair", 50m));

        var found = await Catalog.ListAsync(search: $"{token} lamp".ToUpperInvariant());

        Assert.That(found.Select(i => i.Id), Is.EqualTo(new[] { lamp.Id, lampShade.Id }), "case-insensitive substring search, in id order");
    }

    [Test]
    public async Task VersionNamesTheReleaseAndASchemaTheDatabaseHas()
    {
        var version = await Catalog.VersionAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(version.Release, Is.Not.Empty);
            Assert.That(version.Schema, Is.GreaterThanOrEqualTo(2));
            Assert.That(version.DatabaseSchema, Is.GreaterThanOrEqualTo(version.Schema), "a serving release has the schema it requires");
        }
    }
}
