using System.Net;
using System.Text.Json;
using Catalog.Service.Tests.Support;
using Platform.TestSupport;

namespace Catalog.Service.Tests;

/// <summary>The real service as a child process on the cluster's loopback address, configured by an env file as in production.</summary>
[Category("Integration")]
public sealed class ServiceProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private PostgresCluster _cluster = null!;
    private CatalogDatabase _database = null!;
    private string _scratch = null!;
    private ServiceProcess? _service;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _cluster = await PostgresCluster.StartAsync("svc");
        _database = await CatalogDatabase.CreateAsync(_cluster);
        _scratch = RepositoryRoot.NewScratch("svcenv");
    }

    [TearDown]
    public void KillService()
    {
        _service?.Dispose();
        _service = null;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_scratch is not null)
        {
            RepositoryRoot.RemoveScratch(_scratch);
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test]
    public async Task SigtermLetsTheInFlightRequestFinishAndExitsWithZero()
    {
        var url = $"http://{_cluster.Address}:{FreePort.On(_cluster.Address)}";
        var envFile = Path.Combine(_scratch, "catalog.env");
        await File.WriteAllTextAsync(envFile, $"""
            # written by the test like the deployer writes it (mode 0600 there)
            CATALOG_DB="{_database.AppConnectionString}"
            ASPNETCORE_URLS='{url}'

            CATALOG_TEST_DELAY_ENDPOINT=0
            """);
        // The real environment wins over the file: the delay endpoint is on.
        _service = ServiceProcess.Start(new Dictionary<string, string> { ["CATALOG_ENV_FILE"] = envFile, ["CATALOG_TEST_DELAY_ENDPOINT"] = "1" });
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = Patience };
        client.DefaultRequestHeaders.Add("X-Catalog-Client", "Catalog.Client/1.1.0");
        await _service.WaitUntilAnsweringAsync(client, "/health/ready", Patience);

        var inFlight = client.GetAsync("/test/delay?ms=300&untilShutdown=true");
        await _service.WaitForStdoutAsync(line => line.Contains("Test delay started", StringComparison.Ordinal), Patience);
        _service.Terminate();
        using var response = await inFlight;
        var exitCode = await _service.WaitForExitAsync(Patience);

        var logs = _service.Stdout;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(exitCode, Is.Zero);
            Assert.That(logs, Has.Some.Contains("Application is shutting down"));
            Assert.That(logs, Has.All.Matches<string>(IsJsonObject), "every log entry is one JSON line");
            Assert.That(logs.Where(IsJsonObject).Select(ClientOf), Has.Some.EqualTo("Catalog.Client/1.1.0"));
            Assert.That(logs.Concat(_service.Stderr), Has.None.Contains(_database.AppPassword), "the connection string's password is never printed");
        }
    }

    // Kestrel alone would read 30 MB into memory before the item's own limits refuse it: a few such requests at once
    // exhaust a small node. Refused as it arrives (in Kestrel, so the real process: a test host has no such limit).
    [Test]
    public async Task ABodyLargerThanAnyValidItemIs413()
    {
        var url = $"http://{_cluster.Address}:{FreePort.On(_cluster.Address)}";
        _service = ServiceProcess.Start(new Dictionary<string, string> { ["CATALOG_DB"] = _database.AppConnectionString, ["ASPNETCORE_URLS"] = url });
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = Patience };
        await _service.WaitUntilAnsweringAsync(client, "/health/ready", Patience);
        var huge = "{\"name\":\"Lamp\",\"price\":1,\"description\":\"" + new string('d', 200_000) + "\"}";

        using var response = await client.PostAsync("/items", new StringContent(huge, System.Text.Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task WithoutCatalogDbItFailsFastNamingTheVariable()
    {
        _service = ServiceProcess.Start(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://{_cluster.Address}:{FreePort.On(_cluster.Address)}" });

        var exitCode = await _service.WaitForExitAsync(Patience);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(_service.Stderr, Has.Count.EqualTo(1));
            Assert.That(_service.Stderr, Has.Some.Contains("CATALOG_DB is not set"));
        }
    }

    [Test]
    public async Task AMissingEnvFileFailsFastNamingTheFile()
    {
        var missing = Path.Combine(_scratch, "absent.env");
        _service = ServiceProcess.Start(new Dictionary<string, string> { ["CATALOG_ENV_FILE"] = missing });

        var exitCode = await _service.WaitForExitAsync(Patience);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(_service.Stderr, Has.Count.EqualTo(1));
            Assert.That(_service.Stderr, Has.Some.Contains($"CATALOG_ENV_FILE={missing}"));
        }
    }

    [Test]
    public async Task AMalformedEnvFileFailsWithoutPrintingItsContent()
    {
        var envFile = Path.Combine(_scratch, "malformed.env");
        await File.WriteAllTextAsync(envFile, "CATALOG_DB=Host=x;Password=TopSecret1\nTopSecret2 without equals\n");
        _service = ServiceProcess.Start(new Dictionary<string, string> { ["CATALOG_ENV_FILE"] = envFile });

        var exitCode = await _service.WaitForExitAsync(Patience);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(_service.Stderr, Has.Some.Contains("line 2"));
            Assert.That(_service.Stderr.Concat(_service.Stdout), Has.None.Contains("TopSecret"));
        }
    }

    private static bool IsJsonObject(string? line)
    {
        if (line is null)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? ClientOf(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.TryGetProperty("State", out var state) && state.TryGetProperty("Client", out var client) ? client.GetString() : null;
    }
}
