using System.Net;
using Catalog.Service.Tests.Support;
using Platform.TestSupport;

namespace Catalog.Service.Tests;

/// <summary>
/// Release N (schema level 2) and release N+1 (level 4) side by side, on the databases a rolling
/// deploy passes through: V2 (N only), V3 (expanded, both serve), V4 (contracted, N+1 only).
/// </summary>
[Category("Integration")]
public sealed class ReleaseLevelTests
{
    private const int ReleaseN = 2;
    private const int ReleaseNPlus1 = 4;

    private PostgresCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _cluster = await PostgresCluster.StartAsync("svc");

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test]
    public async Task ReleaseNIgnoresDescriptionsAndMaintainsSearchName()
    {
        var database = await CatalogDatabase.CreateAsync(_cluster, 2);
        await using var app = new CatalogApp(database.AppConnectionString, ReleaseN);
        var client = app.CreateClient();

        var created = await Json.CreateItemAsync(client, new { name = "Brass Lamp", price = 20m, description = new string('d', 3000) });
        var fetched = await Json.ReadAsync(await client.GetAsync($"/items/{created["id"]}"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.AsObject().ContainsKey("description"), Is.False, "release N does not know descriptions, not even too long ones");
            Assert.That(fetched.AsObject().ContainsKey("description"), Is.False);
            Assert.That(await database.ScalarAsync($"select search_name from items where id = {created["id"]}"), Is.EqualTo("brass lamp"));
        }
    }

    [Test]
    public async Task ReleaseNKeepsSearchNameInStepOnReplace()
    {
        var database = await CatalogDatabase.CreateAsync(_cluster, 2);
        await using var app = new CatalogApp(database.AppConnectionString, ReleaseN);
        var client = app.CreateClient();
        var created = await Json.CreateItemAsync(client, new { name = "Old Name", price = 1m });

        await Json.PutAsync(client, $"/items/{created["id"]}", new { name = "New NAME", price = 1m });

        Assert.That(await database.ScalarAsync($"select search_name from items where id = {created["id"]}"), Is.EqualTo("new name"));
    }

    [TestCase(ReleaseN, 2)]
    [TestCase(ReleaseN, 3)]
    [TestCase(ReleaseNPlus1, 3)]
    [TestCase(ReleaseNPlus1, 4)]
    public async Task SearchWorksOnEveryDatabaseTheReleaseServes(int level, int migratedTo)
    {
        var database = await CatalogDatabase.CreateAsync(_cluster, migratedTo);
        await using var app = new CatalogApp(database.AppConnectionString, level);
        var client = app.CreateClient();
        var lamp = await Json.CreateItemAsync(client, new { name = "Green LAMP", price = 1m });
        await Json.CreateItemAsync(client, new { name = "Chair", price = 1m });

        var found = (await Json.ReadAsync(await client.GetAsync("/items?search=lamp"))).AsArray();

        Assert.That(found.Select(i => i!["id"]!.GetValue<long>()), Is.EqualTo(new[] { lamp["id"]!.GetValue<long>() }));
    }

    [Test]
    public async Task ReleaseNPlus1RoundTripsDescriptionsOnAContractedDatabase()
    {
        var database = await CatalogDatabase.CreateAsync(_cluster, 4);
        await using var app = new CatalogApp(database.AppConnectionString, ReleaseNPlus1);
        var client = app.CreateClient();

        var created = await Json.CreateItemAsync(client, new { name = "Desk", price = 99.5m, description = "Oak, 140 cm" });
        using var replace = await Json.PutAsync(client, $"/items/{created["id"]}", new { name = "Desk", price = 99.5m, description = "Oak, 160 cm" });
        var fetched = await Json.ReadAsync(await client.GetAsync($"/items/{created["id"]}"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(created["description"]!.GetValue<string>(), Is.EqualTo("Oak, 140 cm"));
            Assert.That(replace.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(fetched["description"]!.GetValue<string>(), Is.EqualTo("Oak, 160 cm"));
            Assert.That(await database.ScalarAsync("select count(*) from information_schema.columns where table_name = 'items' and column_name = 'search_name'"), Is.Zero);
        }
    }

    [Test]
    public async Task BothReleasesServeTheExpandedDatabaseTogether()
    {
        var database = await CatalogDatabase.CreateAsync(_cluster, 3);
        await using var releaseN = new CatalogApp(database.AppConnectionString, ReleaseN);
        await using var releaseNPlus1 = new CatalogApp(database.AppConnectionString, ReleaseNPlus1);
        var oldClient = releaseN.CreateClient();
        var newClient = releaseNPlus1.CreateClient();

        var fromNew = await Json.CreateItemAsync(newClient, new { name = "Teapot", price = 15m, description = "Porcelain" });
        using var replacedByOld = await Json.PutAsync(oldClient, $"/items/{fromNew["id"]}", new { name = "Teapot XL", price = 18m, description = "ignored" });
        var foundByOld = (await Json.ReadAsync(await oldClient.GetAsync("/items?search=teapot"))).AsArray();
        var seenByNew = await Json.ReadAsync(await newClient.GetAsync($"/items/{fromNew["id"]}"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await database.ScalarAsync($"select search_name is null from items where id = {fromNew["id"]}"), Is.False, "release N filled it on replace");
            Assert.That(replacedByOld.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(foundByOld, Has.Count.EqualTo(1));
            Assert.That(seenByNew["name"]!.GetValue<string>(), Is.EqualTo("Teapot XL"));
            Assert.That(seenByNew["description"]!.GetValue<string>(), Is.EqualTo("Porcelain"), "release N leaves the description it does not know alone");
        }
    }

    [Test]
    public async Task ReleaseNFindsItemsThatReleaseNPlus1Inserted()
    {
        var database = await CatalogDatabase.CreateAsync(_cluster, 3);
        await using var releaseN = new CatalogApp(database.AppConnectionString, ReleaseN);
        await using var releaseNPlus1 = new CatalogApp(database.AppConnectionString, ReleaseNPlus1);

        var created = await Json.CreateItemAsync(releaseNPlus1.CreateClient(), new { name = "Copper Kettle", price = 30m });
        var found = (await Json.ReadAsync(await releaseN.CreateClient().GetAsync("/items?search=KETTLE"))).AsArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await database.ScalarAsync($"select search_name is null from items where id = {created["id"]}"), Is.True, "release N+1 never writes search_name");
            Assert.That(found.Select(i => i!["id"]!.GetValue<long>()), Is.EqualTo(new[] { created["id"]!.GetValue<long>() }));
        }
    }

    [Test]
    public async Task ReleaseNIsReadyOnTheDatabaseItWasCutFor()
    {
        var database = await CatalogDatabase.CreateAsync(_cluster, 2);
        await using var releaseN = new CatalogApp(database.AppConnectionString, ReleaseN);
        await using var releaseNPlus1 = new CatalogApp(database.AppConnectionString, ReleaseNPlus1);

        using var ready = await releaseN.CreateClient().GetAsync("/health/ready");
        using var notReady = await releaseNPlus1.CreateClient().GetAsync("/health/ready");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(notReady.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        }
    }
}
