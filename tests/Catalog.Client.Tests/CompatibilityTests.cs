using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Catalog.Client.Tests.Support;
using Platform.TestSupport;

namespace Catalog.Client.Tests;

/// <summary>
/// Both directions of a rolling deploy, in-process: this client (release N+1) against a release N service,
/// and the requests of the client of release N (no description) against the release N+1 service.
/// </summary>
[Category("Integration")]
public sealed class CompatibilityTests
{
    private const int ReleaseNLevel = 2;

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private PostgresCluster? _cluster;
    private CatalogHost? _releaseN;
    private CatalogHost? _releaseNPlus1;

    [OneTimeSetUp]
    public async Task StartBothReleasesAsync()
    {
        _cluster = await PostgresCluster.StartAsync("client");
        _releaseN = new CatalogHost((await TestDatabase.CreateAsync(_cluster, migrateTo: ReleaseNLevel)).ConnectionString, ReleaseNLevel);
        _releaseNPlus1 = new CatalogHost((await TestDatabase.CreateAsync(_cluster)).ConnectionString);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_releaseN is not null)
        {
            await _releaseN.DisposeAsync();
        }

        if (_releaseNPlus1 is not null)
        {
            await _releaseNPlus1.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test]
    public async Task ThisClientWorksAgainstReleaseNWhereDescriptionsAreSimplyNull()
    {
        var catalog = _releaseN!.CreateCatalogClient();
        var dryRun = _releaseN.CreateCatalogClient(dryRun: true);

        var version = await catalog.VersionAsync();
        var created = (await catalog.CreateAsync(new ItemDraft("Release N lamp", 5m) { Description = "ignored by release N" })).Item!;
        var read = await catalog.GetAsync(created.Id);
        var found = await catalog.ListAsync(search: "release n");
        var wouldUpdate = await dryRun.UpdateAsync(created.Id, new ItemDraft("Renamed", 6m) { Description = "still ignored" });
        var updated = (await catalog.UpdateAsync(created.Id, new ItemDraft("Renamed", 6m) { Description = "still ignored" })).Item!;
        await catalog.DeleteAsync(created.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(version.Schema, Is.EqualTo(2), "the service runs release N behaviour");
            Assert.That(created.Description, Is.Null);
            Assert.That(read, Is.EqualTo(created));
            Assert.That(found.Select(i => i.Id), Is.EqualTo(new[] { created.Id }));
            Assert.That(wouldUpdate is { DryRun: true, Item.Description: null }, Is.True);
            Assert.That(updated is { Name: "Renamed", Price: 6m, Description: null }, Is.True);
            Assert.That(await catalog.FindAsync(created.Id), Is.Null);
        }
    }

    [Test]
    public async Task TheRequestsOfTheClientOfReleaseNWorkAgainstReleaseNPlus1()
    {
        using var http = _releaseNPlus1!.CreateClient();
        http.DefaultRequestHeaders.Add("X-Catalog-Client", "Catalog.Client/1.0.0");

        // Exactly what the client of release N sends: no description field at all.
        using var created = await http.PostAsync("/items", RawJson("""{"name":"Lamp","price":5}"""));
        var item = await created.Content.ReadFromJsonAsync<ReleaseNItem>(WebJson);
        using var replaced = await http.PutAsync($"/items/{item!.Id}", RawJson("""{"name":"Lamp","price":6}"""));

        // An item written by a release N+1 client has a description, which the client of N does not know.
        var described = (await _releaseNPlus1.CreateCatalogClient().CreateAsync(new ItemDraft("Shade", 3m) { Description = "linen" })).Item!;
        var listJson = await http.GetStringAsync(new Uri("/items", UriKind.Relative));
        var listed = JsonSerializer.Deserialize<List<ReleaseNItem>>(listJson, WebJson)!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(item is { Name: "Lamp", Price: 5m }, Is.True);
            Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(listJson, Does.Contain("\"description\":\"linen\""), "N+1 sends the field...");
            Assert.That(listed.Select(i => (i.Id, i.Name, i.Price)), Is.EqualTo(new[] { (item.Id, "Lamp", 6m), (described.Id, "Shade", 3m) }), "...and the client of N skips it");
        }
    }

    private static StringContent RawJson(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The item as the client of release N models it: no description.</summary>
    private sealed record ReleaseNItem(long Id, string Name, decimal Price, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
}
