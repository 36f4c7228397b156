using Catalog.Client;

namespace Catalog.Smoke;

/// <summary>
/// Base of every smoke fixture: a real client and a dry-run client of the catalog at CATALOG_URL, and the
/// run's items, deleted after each test and swept once more after the fixture, whatever the outcome; then the
/// clients are disposed, closing their connections.
/// </summary>
[Category("Smoke")]
public abstract class SmokeTest
{
    private SmokeItems? _items;
    private StandaloneCatalogClient? _catalog;
    private StandaloneCatalogClient? _dryRunCatalog;

    protected ICatalogClient Catalog => _catalog!;

    protected ICatalogClient DryRunCatalog => _dryRunCatalog!;

    protected SmokeItems Items => _items!;

    [OneTimeSetUp]
    public void ConnectToCatalog()
    {
        _catalog = CatalogClient.Create(SmokeTarget.Options());
        _dryRunCatalog = CatalogClient.Create(SmokeTarget.Options(dryRun: true));
        _items = new SmokeItems(_catalog);
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
        try
        {
            if (_items is not null)
            {
                await _items.DeleteLeftoversAsync();
            }
        }
        finally
        {
            _catalog?.Dispose();
            _dryRunCatalog?.Dispose();
        }
    }
}
