using System.Net;
using Catalog.Client.Tests.Support;

namespace Catalog.Client.Tests;

/// <summary>The client against the real service (release N+1): every call, and the errors it surfaces.</summary>
public sealed class CrudTests : ServiceFixture
{
    private CatalogClient _catalog = null!;

    [OneTimeSetUp]
    public void CreateClient() => _catalog = Host.CreateCatalogClient();

    [Test]
    public async Task CreateReadUpdateDelete()
    {
        var create = await _catalog.CreateAsync(new ItemDraft("  Brass lamp  ", 20.50m) { Description = "40 cm" });
        var created = create.Item!;
        var read = await _catalog.GetAsync(created.Id);
        var update = await _catalog.UpdateAsync(created.Id, new ItemDraft("Brass lamp", 22m));
        var delete = await _catalog.DeleteAsync(created.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(create is { DryRun: false, Action: ItemChange.CreateAction, Before: null }, Is.True);
            Assert.That(created.Id, Is.Positive);
            Assert.That(created.Name, Is.EqualTo("Brass lamp"), "the server trims names");
            Assert.That(created.Description, Is.EqualTo("40 cm"));
            Assert.That(created.CreatedAt, Is.Not.EqualTo(default(DateTimeOffset)));
            Assert.That(read, Is.EqualTo(created));
            Assert.That(update is { DryRun: false, Action: ItemChange.UpdateAction }, Is.True);
            Assert.That(update.Item?.Price, Is.EqualTo(22m));
            Assert.That(update.Item?.Description, Is.Null, "an update replaces every field");
            Assert.That(delete is { DryRun: false, Action: ItemChange.DeleteAction, Item: null }, Is.True);
            Assert.That(await _catalog.FindAsync(created.Id), Is.Null);
            Assert.That(await Database.CountItemsAsync(), Is.Zero);
        }
    }

    [Test]
    public async Task ListPagesInIdOrderAndSearchesNamesIgnoringCase()
    {
        var ids = new List<long>();
        foreach (var name in new[] { "Brass lamp", "Chair", "Lamp shade", "50% lamp_off" })
        {
            ids.Add((await _catalog.CreateAsync(new ItemDraft(name, 1m))).Item!.Id);
        }

        var all = await _catalog.ListAsync();
        var page = await _catalog.ListAsync(limit: 2, offset: 1);
        var lamps = await _catalog.ListAsync(search: "LAMP");
        var literal = await _catalog.ListAsync(search: "50% lamp_");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(all.Select(i => i.Id), Is.EqualTo(ids));
            Assert.That(page.Select(i => i.Id), Is.EqualTo(ids.Skip(1).Take(2)));
            Assert.That(lamps.Select(i => i.Name), Is.EqualTo(new[] { "Brass lamp", "Lamp shade", "50% lamp_off" }));
            Assert.That(literal.Select(i => i.Name), Is.EqualTo(new[] { "50% lamp_off" }), "% and _ are searched literally");
        }
    }

    [Test]
    public async Task AnInvalidItemIsACatalogValidationExceptionNamingTheFields()
    {
        var refused = await Assert.ThrowsAsync<CatalogValidationException>(() => _catalog.CreateAsync(new ItemDraft(" ", 1.234m)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.Errors.Keys, Is.EquivalentTo(new[] { "name", "price" }));
            Assert.That(refused.Errors["price"], Is.EqualTo(new[] { "The price must have at most 2 decimal places." }));
            Assert.That(refused.Message, Does.Contain("name: The name is required."));
            Assert.That(await Database.CountItemsAsync(), Is.Zero);
        }
    }

    [Test]
    public async Task AnInvalidPageIsACatalogValidationException()
    {
        var refused = await Assert.ThrowsAsync<CatalogValidationException>(() => _catalog.ListAsync(limit: 0, offset: -1));

        Assert.That(refused.Errors.Keys, Is.EquivalentTo(new[] { "limit", "offset" }));
    }

    [Test]
    public async Task AMissingItemIsCatalogNotFoundExceptionOrNull()
    {
        var missing = await Assert.ThrowsAsync<CatalogNotFoundException>(() => _catalog.GetAsync(424242));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(missing.Title, Is.EqualTo("Item not found"));
            Assert.That(missing.Detail, Is.EqualTo("There is no item with id 424242."));
            Assert.That(await _catalog.FindAsync(424242), Is.Null);
        }

        await Assert.ThrowsAsync<CatalogNotFoundException>(() => _catalog.UpdateAsync(424242, new ItemDraft("Lamp", 1m)));
        await Assert.ThrowsAsync<CatalogNotFoundException>(() => _catalog.DeleteAsync(424242));
    }

    [Test]
    public async Task AWrongPathPrefixIsNoMissingItem()
    {
        // The service answers an unknown route with 404 problem details too, but not with "Item not found".
        using var misconfigured = CatalogClient.Create(
            new CatalogClientOptions { BaseAddress = new Uri(Host.Server.BaseAddress, "api/") }, Host.Server.CreateHandler());

        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => misconfigured.FindAsync(424242));

        Assert.That(failure, Is.Not.InstanceOf<CatalogNotFoundException>());
    }

    [Test]
    public async Task VersionNamesTheReleaseAndBothSchemas()
    {
        var version = await _catalog.VersionAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(version.Release, Is.Not.Empty.And.Not.Contains("+"));
            Assert.That(version.Schema, Is.EqualTo(3), "release N+1 requires the description migration");
            Assert.That(version.DatabaseSchema, Is.EqualTo(4));
        }
    }

    [Test]
    public async Task TheClientHeaderReachesTheService()
    {
        var before = Host.ClientHeaders.Values.Count;

        await _catalog.ListAsync();
        await _catalog.CreateAsync(new ItemDraft("Lamp", 1m));

        Assert.That(Host.ClientHeaders.Values.Skip(before), Is.EqualTo(new[] { CatalogClientIdentity.Value, CatalogClientIdentity.Value }));
        Assert.That(CatalogClientIdentity.Value, Does.Match(@"^Catalog\.Client/\d+\.\d+\.\d+[^+]*$"));
    }
}
