using Catalog.Service.Data;
using Catalog.Service.Tests.Support;
using Npgsql;
using Platform.TestSupport;

namespace Catalog.Service.Tests;

/// <summary>The service's pool skips the server's type catalog and still reads what the service stores.</summary>
[Category("Integration")]
public sealed class CatalogDataSourceTests
{
    private PostgresCluster _cluster = null!;
    private CatalogDatabase _database = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _cluster = await PostgresCluster.StartAsync("cds");
        _database = await CatalogDatabase.CreateAsync(_cluster);
        await using var owner = NpgsqlDataSource.Create(_database.OwnerConnectionString);
        await using var create = owner.CreateCommand("create type platform_test_mood as enum ('calm')");
        await create.ExecuteNonQueryAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _cluster.DisposeAsync();

    [Test]
    public async Task The_service_types_read_without_the_type_catalog()
    {
        await using var source = CatalogDataSource.Create(_database.OwnerConnectionString);
        await using var command = source.CreateCommand("select 1::bigint, 'x'::text, 12.50::numeric(12,2), now()::timestamptz");
        await using var row = await command.ExecuteReaderAsync();
        Assert.That(await row.ReadAsync(), Is.True);
        Assert.That(row.GetInt64(0), Is.EqualTo(1));
        Assert.That(row.GetString(1), Is.EqualTo("x"));
        Assert.That(row.GetDecimal(2), Is.EqualTo(12.50m));
        Assert.That(row.GetFieldValue<DateTimeOffset>(3), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
    }

    // A type the server defines is unknown to a pool that did not load the catalog, and known to one that did.
    [Test]
    public async Task The_servers_own_types_are_not_loaded()
    {
        await using var service = CatalogDataSource.Create(_database.OwnerConnectionString);
        await using var loading = NpgsqlDataSource.Create(_database.OwnerConnectionString);
        Assert.That(await DataTypeNameAsync(loading), Does.Contain("platform_test_mood"));
        Assert.That(await DataTypeNameAsync(service), Does.Not.Contain("platform_test_mood"));
    }

    private static async Task<string> DataTypeNameAsync(NpgsqlDataSource source)
    {
        await using var command = source.CreateCommand("select 'calm'::platform_test_mood");
        await using var row = await command.ExecuteReaderAsync();
        return row.GetDataTypeName(0);
    }
}
