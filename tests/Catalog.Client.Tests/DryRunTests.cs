using Catalog.Client.Tests.Support;

namespace Catalog.Client.Tests;

/// <summary>With DryRun every change is validated and answered by the real service, and nothing changes (read back to be sure).</summary>
public sealed class DryRunTests : ServiceFixture
{
    private CatalogClient _catalog = null!;
    private CatalogClient _dryRun = null!;

    [OneTimeSetUp]
    public void CreateClients()
    {
        _catalog = Host.CreateCatalogClient();
        _dryRun = Host.CreateCatalogClient(dryRun: true);
    }

    [Test]
    public async Task DryRunCreateStoresNothing()
    {
        var change = await _dryRun.CreateAsync(new ItemDraft("  Lamp ", 5m) { Description = "brass" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(change is { DryRun: true, Action: ItemChange.CreateAction, Before: null }, Is.True);
            Assert.That(change.Item, Is.EqualTo(new Item { Name = "Lamp", Price = 5m, Description = "brass" }), "validated and normalised, but not stored: no id, no timestamps");
            Assert.That(await Database.CountItemsAsync(), Is.Zero);
        }
    }

    [Test]
    public async Task DryRunUpdateChangesNothing()
    {
        var item = (await _catalog.CreateAsync(new ItemDraft("Lamp", 5m))).Item!;

        var change = await _dryRun.UpdateAsync(item.Id, new ItemDraft("Chair", 7m) { Description = "oak" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(change is { DryRun: true, Action: ItemChange.UpdateAction }, Is.True);
            Assert.That(change.Before, Is.EqualTo(item));
            Assert.That(change.Item, Is.EqualTo(item with { Name = "Chair", Price = 7m, Description = "oak", UpdatedAt = change.Item!.UpdatedAt }));
            Assert.That(await _catalog.GetAsync(item.Id), Is.EqualTo(item));
        }
    }

    [Test]
    public async Task DryRunDeleteKeepsTheItem()
    {
        var item = (await _catalog.CreateAsync(new ItemDraft("Lamp", 5m))).Item!;

        var change = await _dryRun.DeleteAsync(item.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(change is { DryRun: true, Action: ItemChange.DeleteAction }, Is.True);
            Assert.That(change.Item, Is.EqualTo(item));
            Assert.That(await _catalog.GetAsync(item.Id), Is.EqualTo(item));
        }
    }

    [Test]
    public async Task DryRunsAreValidatedAndLookedUpLikeRealChanges()
    {
        var refused = await Assert.ThrowsAsync<CatalogValidationException>(() => _dryRun.CreateAsync(new ItemDraft("Lamp", -1m)));
        await Assert.ThrowsAsync<CatalogNotFoundException>(() => _dryRun.UpdateAsync(424242, new ItemDraft("Lamp", 1m)));
        await Assert.ThrowsAsync<CatalogNotFoundException>(() => _dryRun.DeleteAsync(424242));

        Assert.That(refused.Errors, Does.ContainKey("price"));
    }

    [Test]
    public async Task ReadsWorkAsUsualInDryRunMode()
    {
        var item = (await _catalog.CreateAsync(new ItemDraft("Lamp", 5m))).Item!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _dryRun.GetAsync(item.Id), Is.EqualTo(item));
            Assert.That(await _dryRun.ListAsync(), Is.EqualTo(new[] { item }));
        }
    }
}
