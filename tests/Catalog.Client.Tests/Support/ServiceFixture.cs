using Platform.TestSupport;

namespace Catalog.Client.Tests.Support;

/// <summary>
/// Base of the fixtures that talk to the real service: a throwaway PostgreSQL cluster of their own, a fully
/// migrated database (release N+1) emptied before each test, and the service hosted in-process on it.
/// </summary>
[Category("Integration")]
public abstract class ServiceFixture
{
    private PostgresCluster? _cluster;
    private CatalogHost? _host;

    internal PostgresCluster Cluster => _cluster!;

    internal TestDatabase Database { get; private set; } = null!;

    internal CatalogHost Host => _host!;

    [OneTimeSetUp]
    public async Task StartServiceAsync()
    {
        _cluster = await PostgresCluster.StartAsync("client");
        Database = await TestDatabase.CreateAsync(_cluster);
        _host = new CatalogHost(Database.ConnectionString);
    }

    [SetUp]
    public Task EmptyCatalogAsync() => Database.DeleteAllItemsAsync();

    [OneTimeTearDown]
    public async Task StopServiceAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
