using Catalog.Client;

namespace Catalog.Smoke;

/// <summary>
/// Base of every smoke fixture: a real client and a dry-run client of the catalog at CATALOG_URL, and the
/// run's items, deleted after each test and swept once more after the fixture, whatever the outcome.
/// </summary>
[Category("Smoke")]
public abstract class SmokeTest
{
    private SmokeItems? _items;

    protected ICatalogClient Catalog { get; private set; } = null!;

    protected ICatalogClient DryRunCatalog { get; private set; } = null!;

    protected SmokeItems Items => _items!;

    [OneTimeSetUp]
    public void ConnectToCatalog()
    {
        Catalog = CatalogClient.Create(SmokeTarget.Options());
        DryRunCatalog = CatalogClient.Create(SmokeTarget.Options(dryRun: true));
        _items = new SmokeItems(Catalog);
    }

    [TearDown]
    public async Task DeleteTestItemsAsync()
    {
        if (_items is not null)
        {
            await _items.DeleteCreatedAsync();
        }
    }

    [OneTimeTearDown]
    public async Task DeleteLeftoversAsync()
    {
        if (_items is not null)
        {
            await _items.DeleteLeftoversAsync();
        }
    }
}
