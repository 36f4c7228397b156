using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Catalog.Client.Tests.Support;

namespace Catalog.Client.Tests;

/// <summary>What the client sends and how it reads answers, checked on a stub: header, URIs, JSON, errors.</summary>
public sealed class WireContractTests
{
    [Test]
    public async Task EveryRequestNamesTheClientAndItsVersion()
    {
        var stub = StubHandler.Answering(HttpStatusCode.OK, "[]");
        var informational = typeof(CatalogClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        await stub.CreateClient().ListAsync();

        Assert.That(stub.Requests.Single().Headers["X-Catalog-Client"], Is.EqualTo($"Catalog.Client/{informational.Split('+')[0]}").And.Not.Contains("+"));
    }

    [Test]
    public async Task ListSendsOnlyTheGivenParametersEscaped()
    {
        var stub = StubHandler.Answering(HttpStatusCode.OK, "[]");
        var client = stub.CreateClient();

        await client.ListAsync();
        await client.ListAsync(limit: 5, offset: 10, search: "brass & 50% off");

        Assert.That(stub.Requests.Select(r => r.Uri.AbsoluteUri), Is.EqualTo(new[]
        {
            "http://catalog.test/items",
            "http://catalog.test/items?limit=5&offset=10&search=brass%20%26%2050%25%20off",
        }));
    }

    [Test]
    public async Task APathPrefixInTheBaseAddressIsKept()
    {
        var stub = StubHandler.Answering(HttpStatusCode.OK, Payloads.Item);

        await stub.CreateClient(o => o.BaseAddress = new Uri("http://proxy.test/catalog")).GetAsync(7);

        Assert.That(stub.Requests.Single().Uri.AbsoluteUri, Is.EqualTo("http://proxy.test/catalog/items/7"));
    }

    [Test]
    public async Task UnknownFieldsInAnswersAreIgnored()
    {
        // A newer server may add fields; this client must keep working.
        var stub = StubHandler.Answering(HttpStatusCode.OK, """{"id":7,"name":"Lamp","price":20,"colour":"brass","tags":["a"],"stock":{"count":3},"createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-02T00:00:00Z"}""");

        var item = await stub.CreateClient().GetAsync(7);

        Assert.That(item, Is.EqualTo(new Item
        {
            Id = 7,
            Name = "Lamp",
            Price = 20m,
            CreatedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero),
        }));
    }

    [Test]
    public async Task ANullDescriptionIsLeftOutOfTheRequest()
    {
        var stub = StubHandler.Answering(HttpStatusCode.Created, Payloads.Item);
        var client = stub.CreateClient();

        await client.CreateAsync(new ItemDraft("Lamp", 20m));
        await client.CreateAsync(new ItemDraft("Lamp", 20m) { Description = "brass" });

        var bodies = stub.Requests.Select(r => JsonNode.Parse(r.Body!)!.AsObject()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(bodies[0].Select(p => p.Key), Is.EqualTo(new[] { "name", "price" }), "an older server never sees a field it does not know");
            Assert.That(bodies[1]["description"]?.GetValue<string>(), Is.EqualTo("brass"));
            Assert.That(stub.Requests.Select(r => r.Method), Has.All.EqualTo(HttpMethod.Post));
        }
    }

    [Test]
    public async Task DryRunAsksForADryRunAndReturnsTheServersAccount()
    {
        var stub = StubHandler.Answering(HttpStatusCode.OK, $$"""{"dryRun":true,"action":"update","item":{{Payloads.Item}},"before":{{Payloads.Item.Replace("Lamp", "Old lamp", StringComparison.Ordinal)}}}""");

        var change = await stub.CreateClient(o => o.DryRun = true).UpdateAsync(7, new ItemDraft("Lamp", 20m));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stub.Requests.Single().Uri.PathAndQuery, Is.EqualTo("/items/7?dryRun=true"));
            Assert.That(change is { DryRun: true, Action: ItemChange.UpdateAction }, Is.True);
            Assert.That(change.Item?.Name, Is.EqualTo("Lamp"));
            Assert.That(change.Before?.Name, Is.EqualTo("Old lamp"));
        }
    }

    [Test]
    public async Task DryRunReadsAreSentAsUsual()
    {
        var stub = StubHandler.Answering(HttpStatusCode.OK, Payloads.Item);

        await stub.CreateClient(o => o.DryRun = true).GetAsync(7);

        Assert.That(stub.Requests.Single().Uri.PathAndQuery, Is.EqualTo("/items/7"));
    }

    [Test]
    public async Task AServerThatIgnoresDryRunIsNeverTakenForADryRun()
    {
        var stub = StubHandler.Answering(HttpStatusCode.Created, Payloads.Item);

        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => stub.CreateClient(o => o.DryRun = true).CreateAsync(new ItemDraft("Lamp", 20m)));

        Assert.That(failure.Message, Does.Contain("does not support dry runs").And.Contain("WAS made"));
    }

    [Test]
    public async Task AValidationProblemBecomesCatalogValidationExceptionWithItsErrors()
    {
        var stub = StubHandler.Answering(HttpStatusCode.BadRequest, Payloads.ValidationProblem, "application/problem+json");

        var refused = await Assert.ThrowsAsync<CatalogValidationException>(() => stub.CreateClient().CreateAsync(new ItemDraft(string.Empty, 2_000_000m)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(refused.Title, Is.EqualTo("One or more validation errors occurred."));
            Assert.That(refused.Errors["name"], Is.EqualTo(new[] { "The name is required." }));
            Assert.That(refused.Message, Does.StartWith("POST http://catalog.test/items answered 400").And.Contain("name: The name is required."));
        }
    }

    [Test]
    public async Task AnErrorPageWithoutProblemDetailsStillGivesTheStatus()
    {
        // e.g. HAProxy's own 503 page when no node is up.
        var stub = StubHandler.Answering(HttpStatusCode.ServiceUnavailable, "<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html");

        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => stub.CreateClient(o => o.MaxRetries = 0).ListAsync());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failure.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(failure.Title, Is.Null);
            Assert.That(failure.Errors, Is.Empty);
            Assert.That(failure.Message, Is.EqualTo("GET http://catalog.test/items answered 503 (Service Unavailable)."));
        }
    }

    // A charset .NET does not know (a proxy's "utf8") must not turn the error into an InvalidOperationException.
    [Test]
    public async Task AnErrorWithACharsetNobodyKnowsIsStillTheTypedError()
    {
        var stub = new StubHandler((_, _, _) =>
        {
            var answer = StubHandler.Json(HttpStatusCode.ServiceUnavailable, """{"title":"Database unavailable"}""", "application/problem+json");
            answer.Content.Headers.ContentType!.CharSet = "utf8";
            return Task.FromResult(answer);
        });

        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => stub.CreateClient(o => o.MaxRetries = 0).ListAsync());

        Assert.That(failure!.Title, Is.EqualTo("Database unavailable"));
    }

    // The server's own words are kept for the caller (a plain-text error says more than its status), not put in the
    // message that goes to logs; a long page is cut.
    [Test]
    public async Task AnErrorsBodyIsKeptForTheCallerOutsideTheMessage()
    {
        const string said = "Npgsql.NpgsqlException: Failed to connect to 127.0.10.20:5432";
        var plain = StubHandler.Answering(HttpStatusCode.InternalServerError, said, "text/plain");
        var page = StubHandler.Answering(HttpStatusCode.BadGateway, new string('x', 10_000), "text/html");

        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => plain.CreateClient(o => o.MaxRetries = 0).ListAsync());
        var cut = await Assert.ThrowsAsync<CatalogApiException>(() => page.CreateClient(o => o.MaxRetries = 0).ListAsync());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failure.ResponseBody, Is.EqualTo(said));
            Assert.That(failure.Message, Does.Not.Contain("Npgsql"));
            Assert.That(cut.ResponseBody, Has.Length.EqualTo(2048));
        }
    }

    // A reverse proxy or gateway that does not route the base address's path prefix to the catalog: its 404 page,
    // a gateway's JSON, or problem details without the catalog's "Item not found" (ASP.NET's status code pages).
    [TestCase("<html><body>404 Not Found</body></html>", "text/html")]
    [TestCase("""{"message":"no Route matched with those values"}""", "application/json")]
    [TestCase("""{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404}""", "application/problem+json")]
    public async Task A404FromAProxyIsNoMissingItemButAnErrorNamingTheUrl(string body, string mediaType)
    {
        var stub = StubHandler.Answering(HttpStatusCode.NotFound, body, mediaType);
        var client = stub.CreateClient(o => o.BaseAddress = new Uri("http://proxy.test/catalog/"));

        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => client.FindAsync(7));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failure.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(failure, Is.Not.InstanceOf<CatalogNotFoundException>(), "FindAsync would have answered null: no item, instead of a wrong address");
            Assert.That(failure.Message, Does.StartWith("GET http://proxy.test/catalog/items/7 answered 404").And.Contains("check BaseAddress"));
        }
    }

    [Test]
    public async Task TheCatalogsOwn404IsAMissingItem()
    {
        var stub = StubHandler.Answering(HttpStatusCode.NotFound, Payloads.NotFoundProblem, "application/problem+json");
        var client = stub.CreateClient(o => o.BaseAddress = new Uri("http://proxy.test/catalog/"));

        var missing = await Assert.ThrowsAsync<CatalogNotFoundException>(() => client.GetAsync(7));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(missing.Message, Is.EqualTo("GET http://proxy.test/catalog/items/7 answered 404 (Item not found): There is no item with id 7."));
            Assert.That(await client.FindAsync(7), Is.Null);
        }
    }

    [Test]
    public async Task ASuccessfulAnswerThatIsNotTheExpectedJsonIsAClearError()
    {
        var stub = StubHandler.Answering(HttpStatusCode.OK, "<html>not the catalog</html>", "text/html");

        var failure = await Assert.ThrowsAsync<CatalogApiException>(() => stub.CreateClient().GetAsync(7));

        Assert.That(failure.Message, Does.StartWith("GET http://catalog.test/items/7 answered 200 with a body that is not a valid Item"));
    }
}
