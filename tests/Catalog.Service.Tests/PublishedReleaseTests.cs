using System.Net;
using Catalog.Service.Tests.Support;
using Platform.TestSupport;

namespace Catalog.Service.Tests;

/// <summary>
/// A release published with MSBuild properties, as the release step builds N and N+1 from one tree:
/// it carries only the migrations of its level, and reports the baked release, level and fault.
/// </summary>
[Category("Integration")]
public sealed class PublishedReleaseTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private string _scratch = null!;
    private string _publish = null!;
    private LoopbackRange _range = null!;

    [OneTimeSetUp]
    public async Task PublishAsync()
    {
        _range = LoopbackRange.Acquire();
        _scratch = RepositoryRoot.NewScratch("catrel");
        _publish = await ReleaseBuild.PublishAsync(_scratch, new Dictionary<string, string>
        {
            ["Version"] = "2.3.4",
            ["CatalogSchema"] = "2",
            ["CatalogFault"] = "never-ready",
        });
    }

    [OneTimeTearDown]
    public void Remove()
    {
        if (_scratch is not null)
        {
            RepositoryRoot.RemoveScratch(_scratch);
        }

        _range?.Dispose();
    }

    [Test]
    public void AReleaseCutAtLevel2CarriesOnlyV1AndV2()
    {
        Assert.That(Migrations(_publish), Is.EqualTo(new[] { "db/expand/V1__create_items.sql", "db/expand/V2__items_search_name.sql" }));
    }

    [Test]
    public void TheDefaultBuildCarriesEveryMigration()
    {
        Assert.That(Migrations(ServiceBuild.OutputDirectory), Is.EqualTo(new[]
        {
            "db/contract/V4__drop_items_search_name.sql",
            "db/expand/V1__create_items.sql",
            "db/expand/V2__items_search_name.sql",
            "db/expand/V3__items_description.sql",
        }));
    }

    [Test]
    public async Task ThePublishedReleaseReportsItsBakedIdentityAndFault()
    {
        var address = _range.Address(7);
        using var noDatabase = new ClosedPort(address);
        var url = $"http://{address}:{FreePort.On(address)}";
        using var service = ServiceProcess.Start(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = url,
                ["CATALOG_DB"] = $"Host={address};Port={noDatabase.Port};Username=catalog;Password=unused;Timeout=2",
            },
            Path.Combine(_publish, "Catalog.Service.dll"));
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = Patience };
        await service.WaitUntilAnsweringAsync(client, "/health/live", Patience);

        var version = await Json.ReadAsync(await client.GetAsync("/version"));
        using var ready = await client.GetAsync("/health/ready");
        var readiness = await Json.ReadAsync(ready);
        service.Terminate();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(version["release"]!.GetValue<string>(), Is.EqualTo("2.3.4"));
            Assert.That(version["schema"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(version["databaseSchema"], Is.Null);
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(readiness["reason"]!.GetValue<string>(), Is.EqualTo("fault injected: never-ready"));
            Assert.That(await service.WaitForExitAsync(Patience), Is.Zero);
        }
    }

    private static string[] Migrations(string directory) =>
        Directory.EnumerateFiles(Path.Combine(directory, "db"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();
}
