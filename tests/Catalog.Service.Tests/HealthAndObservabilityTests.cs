using System.Net;
using Catalog.Service.Release;
using Catalog.Service.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;
using NUnit.Framework.Constraints;
using Platform.TestSupport;

namespace Catalog.Service.Tests;

/// <summary>Readiness, /version, /metrics and logging, on databases at different migration levels.</summary>
[Category("Integration")]
public sealed class HealthAndObservabilityTests
{
    private PostgresCluster _cluster = null!;
    private CatalogDatabase _migrated = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _cluster = await PostgresCluster.StartAsync("svc");
        _migrated = await CatalogDatabase.CreateAsync(_cluster);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test]
    public async Task ReadyWhenTheSchemaHasTheRequiredMigrations()
    {
        await using var app = new CatalogApp(_migrated.AppConnectionString);

        using var response = await app.CreateClient().GetAsync("/health/ready");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Json.ReadAsync(response))["status"]!.GetValue<string>(), Is.EqualTo("ready"));
    }

    [Test]
    public async Task ReadinessAnswersHeadRequestsToo()
    {
        await using var app = new CatalogApp(_migrated.AppConnectionString, fault: ReleaseInfo.NeverReadyFault);

        using var response = await app.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health/ready"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
    }

    [TestCase(0, "schema 0 is behind the required 3")]
    [TestCase(1, "schema 1 is behind the required 3")]
    [TestCase(2, "schema 2 is behind the required 3")]
    public async Task NotReadyWhileTheSchemaIsBehind(int migratedTo, string reason)
    {
        var database = await CatalogDatabase.CreateAsync(_cluster, migratedTo);
        await using var app = new CatalogApp(database.AppConnectionString);

        using var response = await app.CreateClient().GetAsync("/health/ready");

        await AssertNotReadyAsync(response, Is.EqualTo(reason));
    }

    [Test]
    public async Task ReadinessFollowsTheSchemaAtOnce()
    {
        var database = await CatalogDatabase.CreateAsync(_cluster, 2);
        await using var app = new CatalogApp(database.AppConnectionString);
        var client = app.CreateClient();
        using var before = await client.GetAsync("/health/ready");

        database.MigrateTo(3);
        using var after = await client.GetAsync("/health/ready");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task NotReadyButLiveWhenTheDatabaseIsUnreachable()
    {
        using var closed = new ClosedPort(_cluster.Address);
        await using var app = new CatalogApp(Unreachable(closed));
        var client = app.CreateClient();

        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");

        await AssertNotReadyAsync(ready, Does.StartWith("database unreachable"));
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TheReasonNeverShowsThePassword()
    {
        var wrongPassword = "Wr0ng-" + Guid.NewGuid().ToString("N");
        await using var app = new CatalogApp(new NpgsqlConnectionStringBuilder(_migrated.AppConnectionString) { Password = wrongPassword }.ConnectionString);

        using var response = await app.CreateClient().GetAsync("/health/ready");

        var body = await response.Content.ReadAsStringAsync();
        await AssertNotReadyAsync(response, Does.StartWith("database error 28P01"));
        Assert.That(body, Does.Not.Contain(wrongPassword));
        Assert.That(app.Logs.Entries.Select(e => e.Message + e.Exception), Has.None.Contains(wrongPassword));
    }

    [Test]
    public async Task TheNeverReadyFaultKeepsAMigratedInstanceOutOfRotation()
    {
        await using var app = new CatalogApp(_migrated.AppConnectionString, fault: ReleaseInfo.NeverReadyFault);

        using var response = await app.CreateClient().GetAsync("/health/ready");

        await AssertNotReadyAsync(response, Is.EqualTo("fault injected: never-ready"));
    }

    [Test]
    public async Task VersionReportsTheReleaseTheRequiredSchemaAndTheDatabaseSchema()
    {
        await using var app = new CatalogApp(_migrated.AppConnectionString);

        var version = await Json.ReadAsync(await app.CreateClient().GetAsync("/version"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(version["release"]!.GetValue<string>(), Does.Match(@"^\d+\.\d+\.\d+[^+]*$"));
            Assert.That(version["schema"]!.GetValue<int>(), Is.EqualTo(3), "release N+1 requires the last expand migration, V3");
            Assert.That(version["databaseSchema"]!.GetValue<int>(), Is.EqualTo(4));
        }
    }

    [Test]
    public async Task VersionOfReleaseNRequiresSchema2()
    {
        await using var app = new CatalogApp(_migrated.AppConnectionString, schemaLevel: 2);

        var version = await Json.ReadAsync(await app.CreateClient().GetAsync("/version"));

        Assert.That(version["schema"]!.GetValue<int>(), Is.EqualTo(2));
    }

    [Test]
    public async Task VersionHasANullDatabaseSchemaWhenTheDatabaseIsUnreachable()
    {
        using var closed = new ClosedPort(_cluster.Address);
        await using var app = new CatalogApp(Unreachable(closed));

        using var response = await app.CreateClient().GetAsync("/version");

        var version = await Json.ReadAsync(response);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(version.AsObject().ContainsKey("databaseSchema"), Is.True);
            Assert.That(version["databaseSchema"], Is.Null);
        }
    }

    [Test]
    public async Task AnUnhandledExceptionIsA500ProblemLoggedAsError()
    {
        // Release N+1 on a database without V3: inserting a description fails in PostgreSQL.
        var database = await CatalogDatabase.CreateAsync(_cluster, 2);
        await using var app = new CatalogApp(database.AppConnectionString);

        using var response = await Json.PostAsync(app.CreateClient(), "/items", new { name = "Early", price = 1m });

        var body = await response.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(body, Does.Not.Contain("description").And.Not.Contain(" at "), "no internals in the answer");
            Assert.That(app.Logs.Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Exception), Has.Some.InstanceOf<PostgresException>());
        }
    }

    [Test]
    public async Task MetricsCountRequestsByRouteTemplateAndStatusCode()
    {
        var database = await CatalogDatabase.CreateAsync(_cluster, 2);
        await using var app = new CatalogApp(database.AppConnectionString, schemaLevel: 2);
        await using var broken = new CatalogApp(database.AppConnectionString);
        var client = app.CreateClient();
        var created = await Json.CreateItemAsync(client, new { name = "Counted", price = 1m });
        await client.GetAsync($"/items/{created["id"]}");
        await client.GetAsync("/items/987654321");
        await Json.PostAsync(broken.CreateClient(), "/items", new { name = "Fails", price = 1m });

        var metrics = await client.GetStringAsync("/metrics");

        var lines = metrics.Split('\n');
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lines, Has.Some.Match(@"^http_requests_received_total\{.*code=""200"".*endpoint=""/items/\{id\}"".*\} [1-9]"));
            Assert.That(lines, Has.Some.Match(@"^http_requests_received_total\{.*code=""404"".*endpoint=""/items/\{id\}"".*\} [1-9]"));
            Assert.That(lines, Has.Some.Match(@"^http_requests_received_total\{.*code=""500"".*endpoint=""/items"".*\} [1-9]"));
            Assert.That(lines, Has.Some.Match(@"^http_request_duration_seconds_bucket\{.*code=""404"".*endpoint=""/items/\{id\}"".*le=""\+Inf"".*\} [1-9]"));
            Assert.That(lines, Has.None.Contains("987654321"), "raw paths never become labels");
        }
    }

    // A scanner's made-up methods would each become a label value of the request metrics, without end.
    [Test]
    public async Task AMethodTheCatalogDoesNotUseIs501AndNoMetricLabel()
    {
        await using var app = new CatalogApp(_migrated.AppConnectionString);
        var client = app.CreateClient();

        using var madeUp = await client.SendAsync(new HttpRequestMessage(new HttpMethod("X17"), "/items"));
        var metrics = await client.GetStringAsync("/metrics");

        Assert.That(madeUp.StatusCode, Is.EqualTo(HttpStatusCode.NotImplemented));
        Assert.That(metrics, Does.Not.Contain("X17"));
    }

    // The client's contract: 503 (with Retry-After) while the catalog cannot reach its database; a warning, not an
    // error entry, which the deployer counts against a release it has just switched to.
    [Test]
    public async Task ARequestWhileTheDatabaseIsUnreachableIs503WithRetryAfterLoggedAsAWarning()
    {
        using var closed = new ClosedPort(_cluster.Address);
        await using var app = new CatalogApp(Unreachable(closed));

        using var response = await app.CreateClient().GetAsync("/items/1");
        // A write that could not get a connection sent nothing: a 503 too, which the client may retry.
        using var write = await Json.PostAsync(app.CreateClient(), "/items", new { name = "Lamp", price = 1m });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(app.Logs.Entries.Where(e => e.Level >= LogLevel.Error), Is.Empty);
            Assert.That(app.Logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message), Has.Some.Contains("GET /items/1 answered 503: the database is unavailable"));
        }
    }

    [Test]
    public async Task RequestsAreLoggedWithTheClientVersion()
    {
        await using var app = new CatalogApp(_migrated.AppConnectionString);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Catalog-Client", "Catalog.Client/1.1.0");

        await client.GetAsync("/items?limit=1");

        Assert.That(
            app.Logs.Entries.Where(e => e.Level == LogLevel.Information).Select(e => e.Message),
            Has.Some.Contains("GET /items").And.Contains("200").And.Contains("Catalog.Client/1.1.0"));
    }

    [Test]
    public async Task AnUnknownRouteIs404ProblemDetails()
    {
        await using var app = new CatalogApp(_migrated.AppConnectionString);

        using var response = await app.CreateClient().GetAsync("/nothing-here");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task TheTestDelayEndpointIsNotMappedByDefault()
    {
        await using var app = new CatalogApp(_migrated.AppConnectionString);

        using var response = await app.CreateClient().GetAsync("/test/delay?ms=0");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    /// <summary>The cluster's address on a port nothing listens on: connections are refused at once.</summary>
    private string Unreachable(ClosedPort closed) =>
        new NpgsqlConnectionStringBuilder(_migrated.AppConnectionString) { Port = closed.Port }.ConnectionString;

    private static async Task AssertNotReadyAsync(HttpResponseMessage response, IResolveConstraint reason)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        var body = await Json.ReadAsync(response);
        Assert.That(body["status"]!.GetValue<string>(), Is.EqualTo("not-ready"));
        Assert.That(body["reason"]!.GetValue<string>(), reason);
    }
}
