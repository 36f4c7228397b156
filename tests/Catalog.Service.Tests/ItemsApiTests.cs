using System.Net;
using Catalog.Service.Tests.Support;
using Platform.TestSupport;

namespace Catalog.Service.Tests;

/// <summary>The /items API of release N+1 (the build's own level) on a fully migrated database.</summary>
[Category("Integration")]
public sealed class ItemsApiTests
{
    private PostgresCluster _cluster = null!;
    private CatalogDatabase _database = null!;
    private CatalogApp _app = null!;
    private HttpClient _client = null!;
    private int _logsBefore;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _cluster = await PostgresCluster.StartAsync("svc");
        _database = await CatalogDatabase.CreateAsync(_cluster);
        _app = new CatalogApp(_database.AppConnectionString);
        _client = _app.CreateClient();
    }

    [SetUp]
    public void MarkLogs() => _logsBefore = _app.Logs.Entries.Count;

    /// <summary>A failed test shows what the service logged as warning or worse meanwhile.</summary>
    [TearDown]
    public void ShowServiceProblems()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            foreach (var entry in _app.Logs.Entries.Skip(_logsBefore).Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning))
            {
                TestContext.Out.WriteLine($"service {entry.Level} {entry.Category}: {entry.Message} {entry.Exception}");
            }
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test]
    public async Task CreateReturns201WithLocationAndTheStoredItem()
    {
        using var response = await Json.PostAsync(_client, "/items", new { name = "  Widget  ", price = 9.99m, description = "A widget" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var item = await Json.ReadAsync(response);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo($"/items/{item["id"]}"));
            Assert.That(item["name"]!.GetValue<string>(), Is.EqualTo("Widget"), "the name is stored trimmed");
            Assert.That(item["price"]!.GetValue<decimal>(), Is.EqualTo(9.99m));
            Assert.That(item["description"]!.GetValue<string>(), Is.EqualTo("A widget"));
            Assert.That(item["createdAt"], Is.Not.Null);
            Assert.That(item["updatedAt"], Is.Not.Null);
        }
    }

    [Test]
    public async Task GetReturnsTheItemThatWasCreated()
    {
        var created = await Json.CreateItemAsync(_client, new { name = "Gadget", price = 12.5m });

        using var response = await _client.GetAsync($"/items/{created["id"]}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var item = await Json.ReadAsync(response);
        Assert.That(item.ToJsonString(), Is.EqualTo(created.ToJsonString()));
    }

    [Test]
    public async Task PutReplacesTheEditableFields()
    {
        var created = await Json.CreateItemAsync(_client, new { name = "Old", price = 1m, description = "old" });

        using var response = await Json.PutAsync(_client, $"/items/{created["id"]}", new { name = "New", price = 2.25m });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var stored = await Json.ReadAsync(await _client.GetAsync($"/items/{created["id"]}"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored["name"]!.GetValue<string>(), Is.EqualTo("New"));
            Assert.That(stored["price"]!.GetValue<decimal>(), Is.EqualTo(2.25m));
            Assert.That(stored["description"], Is.Null, "a full replace clears the omitted description");
            Assert.That(stored["createdAt"]!.ToJsonString(), Is.EqualTo(created["createdAt"]!.ToJsonString()));
            Assert.That(stored["updatedAt"]!.GetValue<DateTimeOffset>(), Is.GreaterThanOrEqualTo(created["updatedAt"]!.GetValue<DateTimeOffset>()));
        }
    }

    [Test]
    public async Task DeleteReturns204AndTheItemIsGone()
    {
        var created = await Json.CreateItemAsync(_client, new { name = "Doomed", price = 3m });

        using var response = await _client.DeleteAsync($"/items/{created["id"]}");
        using var after = await _client.GetAsync($"/items/{created["id"]}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }

    [Test]
    public async Task ListPagesInIdOrderAndSearchesNamesCaseInsensitively()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var first = await Json.CreateItemAsync(_client, new { name = $"Blue {tag} Lamp", price = 5m });
        var second = await Json.CreateItemAsync(_client, new { name = $"RED {tag.ToUpperInvariant()} LAMP", price = 6m });
        await Json.CreateItemAsync(_client, new { name = "Unrelated", price = 7m });

        var found = (await Json.ReadAsync(await _client.GetAsync($"/items?search={tag}"))).AsArray();
        var page = (await Json.ReadAsync(await _client.GetAsync($"/items?search={tag}&limit=1&offset=1"))).AsArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Select(i => i!["id"]!.GetValue<long>()), Is.EqualTo(new[] { first["id"]!.GetValue<long>(), second["id"]!.GetValue<long>() }));
            Assert.That(page.Select(i => i!["id"]!.GetValue<long>()), Is.EqualTo(new[] { second["id"]!.GetValue<long>() }));
        }
    }

    [Test]
    public async Task SearchTreatsLikeWildcardsAsPlainText()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var percent = await Json.CreateItemAsync(_client, new { name = $"{tag} 100% cotton", price = 5m });
        await Json.CreateItemAsync(_client, new { name = $"{tag} 100 percent cotton", price = 5m });

        var found = (await Json.ReadAsync(await _client.GetAsync($"/items?search={Uri.EscapeDataString(tag + " 100%")}"))).AsArray();

        Assert.That(found.Select(i => i!["id"]!.GetValue<long>()), Is.EqualTo(new[] { percent["id"]!.GetValue<long>() }));
    }

    [Test]
    public async Task ListLimitsToOneHundredByDefault()
    {
        var missing = 101 - await _database.CountItemsAsync();
        for (var i = 0; i < missing; i++)
        {
            await Json.CreateItemAsync(_client, new { name = $"Filler {i}", price = 1m });
        }

        var items = (await Json.ReadAsync(await _client.GetAsync("/items"))).AsArray();

        Assert.That(items, Has.Count.EqualTo(100));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=1001", "limit")]
    [TestCase("offset=-1", "offset")]
    [TestCase("search=%00", "search")]
    public async Task ListRejectsAPageOutOfRange(string query, string field)
    {
        using var response = await _client.GetAsync($"/items?{query}");

        await AssertValidationProblemAsync(response, field);
    }

    [TestCase("GET")]
    [TestCase("PUT")]
    [TestCase("DELETE")]
    public async Task AMissingItemIs404ProblemDetails(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/items/987654321");
        if (method == "PUT")
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(new { name = "X", price = 1m });
        }

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [TestCase("{\"price\":1}", "name")]
    [TestCase("{\"name\":\"   \",\"price\":1}", "name")]
    [TestCase("{\"name\":\"NAME201\",\"price\":1}", "name")]
    [TestCase("{\"name\":\"A\"}", "price")]
    [TestCase("{\"name\":\"A\",\"price\":-0.01}", "price")]
    [TestCase("{\"name\":\"A\",\"price\":1000000.01}", "price")]
    [TestCase("{\"name\":\"A\",\"price\":1.001}", "price")]
    [TestCase("{\"name\":\"A\",\"price\":1,\"description\":\"DESC2001\"}", "description")]
    // PostgreSQL's text cannot hold a NUL: it was a 500 and an error entry, which fails a roll's log check.
    [TestCase("{\"name\":\"a\\u0000b\",\"price\":1}", "name")]
    [TestCase("{\"name\":\"A\",\"price\":1,\"description\":\"x\\u0000\"}", "description")]
    public async Task AnInvalidItemIs400NamingTheField(string body, string field)
    {
        body = body.Replace("NAME201", new string('n', 201), StringComparison.Ordinal)
                   .Replace("DESC2001", new string('d', 2001), StringComparison.Ordinal);
        var before = await _database.CountItemsAsync();

        using var post = await Json.SendRawAsync(_client, HttpMethod.Post, "/items", body);
        using var dryRun = await Json.SendRawAsync(_client, HttpMethod.Post, "/items?dryRun=true", body);

        await AssertValidationProblemAsync(post, field);
        await AssertValidationProblemAsync(dryRun, field);
        Assert.That(await _database.CountItemsAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task AnInvalidReplaceIs400AndChangesNothing()
    {
        var created = await Json.CreateItemAsync(_client, new { name = "Keep", price = 4m });

        using var response = await Json.PutAsync(_client, $"/items/{created["id"]}", new { name = "", price = 4m });

        await AssertValidationProblemAsync(response, "name");
        var stored = await Json.ReadAsync(await _client.GetAsync($"/items/{created["id"]}"));
        Assert.That(stored["name"]!.GetValue<string>(), Is.EqualTo("Keep"));
    }

    [Test]
    public async Task LimitsAreInclusive()
    {
        var item = await Json.CreateItemAsync(_client, new { name = new string('n', 200), price = 1_000_000m, description = new string('d', 2000) });
        var free = await Json.CreateItemAsync(_client, new { name = "Free", price = 0m });

        Assert.That(item["name"]!.GetValue<string>(), Has.Length.EqualTo(200));
        Assert.That(free["price"]!.GetValue<decimal>(), Is.Zero);
    }

    [TestCase("{\"name\":\"A\",\"price\":")]
    [TestCase("not json")]
    [TestCase("{\"name\":\"A\",\"price\":\"cheap\"}")]
    [TestCase("")]
    public async Task AMalformedBodyIs400ProblemDetails(string body)
    {
        using var response = await Json.SendRawAsync(_client, HttpMethod.Post, "/items", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await Json.ReadAsync(response);
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(400));
    }

    [Test]
    public async Task UnknownFieldsAreIgnored()
    {
        var item = await Json.CreateItemAsync(_client, new { name = "Future", price = 1m, colour = "teal", tags = new[] { "a" } });

        Assert.That(item["colour"], Is.Null);
    }

    [Test]
    public async Task DryRunCreateReportsTheItemAndStoresNothing()
    {
        var before = await _database.CountItemsAsync();

        using var response = await Json.PostAsync(_client, "/items?dryRun=true", new { name = " Draft ", price = 2m, description = "d" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var result = await Json.ReadAsync(response);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result["dryRun"]!.GetValue<bool>(), Is.True);
            Assert.That(result["action"]!.GetValue<string>(), Is.EqualTo("create"));
            Assert.That(result["item"]!["name"]!.GetValue<string>(), Is.EqualTo("Draft"));
            Assert.That(result["item"]!["description"]!.GetValue<string>(), Is.EqualTo("d"));
            Assert.That(await _database.CountItemsAsync(), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task DryRunUpdateReportsBeforeAndAfterAndChangesNothing()
    {
        var created = await Json.CreateItemAsync(_client, new { name = "Original", price = 1m });

        using var response = await Json.PutAsync(_client, $"/items/{created["id"]}?dryRun=true", new { name = "Changed", price = 2m });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var result = await Json.ReadAsync(response);
        var stored = await Json.ReadAsync(await _client.GetAsync($"/items/{created["id"]}"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result["action"]!.GetValue<string>(), Is.EqualTo("update"));
            Assert.That(result["before"]!["name"]!.GetValue<string>(), Is.EqualTo("Original"));
            Assert.That(result["item"]!["name"]!.GetValue<string>(), Is.EqualTo("Changed"));
            Assert.That(result["item"]!["id"]!.GetValue<long>(), Is.EqualTo(created["id"]!.GetValue<long>()));
            Assert.That(stored.ToJsonString(), Is.EqualTo(created.ToJsonString()));
        }
    }

    [Test]
    public async Task DryRunDeleteReportsTheItemAndKeepsIt()
    {
        var created = await Json.CreateItemAsync(_client, new { name = "Survivor", price = 1m });

        using var response = await _client.DeleteAsync($"/items/{created["id"]}?dryRun=true");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var result = await Json.ReadAsync(response);
        using var after = await _client.GetAsync($"/items/{created["id"]}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result["action"]!.GetValue<string>(), Is.EqualTo("delete"));
            Assert.That(result["item"]!.ToJsonString(), Is.EqualTo(created.ToJsonString()));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task DryRunOfAMissingItemIs404LikeTheRealCall()
    {
        using var put = await Json.PutAsync(_client, "/items/987654321?dryRun=true", new { name = "X", price = 1m });
        using var delete = await _client.DeleteAsync("/items/987654321?dryRun=true");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }

    private static async Task AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await Json.ReadAsync(response);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { field }));
    }
}
