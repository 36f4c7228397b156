using System.Text.RegularExpressions;
using Catalog.Client.Tests.Support;
using Platform.TestSupport;

namespace Catalog.Client.Tests;

/// <summary>
/// tests/Catalog.Smoke run the way the deployer runs them: published, then
/// <c>CATALOG_URL=… dotnet test Catalog.Smoke.dll --filter TestCategory=Smoke</c>, against a service on a
/// real loopback port; the smoke tests of release N and of release N+1, each against both releases.
/// </summary>
[Category("Integration")]
public sealed partial class PublishedSmokeTests
{
    private const int ReleaseN = 2;
    private const int ReleaseNPlus1 = 4;
    private const int SmokeTestsOfReleaseN = 9;
    private const int SmokeTestsOfReleaseNPlus1 = 10;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private PostgresCluster? _cluster;
    private string? _scratch;
    private readonly Dictionary<int, Service> _services = [];
    private readonly Dictionary<int, string> _smokeDlls = [];

    [OneTimeSetUp]
    public async Task PublishAndStartAsync()
    {
        _scratch = RepositoryRoot.NewScratch("smoke");
        _cluster = await PostgresCluster.StartAsync("client");
        foreach (var level in new[] { ReleaseN, ReleaseNPlus1 })
        {
            var database = await TestDatabase.CreateAsync(_cluster, migrateTo: level);
            var host = new CatalogHost(database.ConnectionString, level);
            try
            {
                _services[level] = new Service(host, host.ListenOnLoopback(), database);
            }
            catch
            {
                // Not yet in _services, which the teardown disposes.
                await host.DisposeAsync();
                throw;
            }
            _smokeDlls[level] = await SmokeRelease.PublishAsync(_scratch, level);
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        foreach (var service in _services.Values)
        {
            await service.Host.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_scratch is not null)
        {
            RepositoryRoot.RemoveScratch(_scratch);
        }
    }

    [TestCase(ReleaseNPlus1, ReleaseNPlus1, SmokeTestsOfReleaseNPlus1, 0, TestName = "The smoke tests of N+1 pass against N+1")]
    [TestCase(ReleaseNPlus1, ReleaseN, SmokeTestsOfReleaseNPlus1, 1, TestName = "The smoke tests of N+1 skip only the description test against N")]
    [TestCase(ReleaseN, ReleaseNPlus1, SmokeTestsOfReleaseN, 0, TestName = "The smoke tests of N pass against N+1")]
    [TestCase(ReleaseN, ReleaseN, SmokeTestsOfReleaseN, 0, TestName = "The smoke tests of N pass against N")]
    public async Task PublishedSmokeTestsRunAgainstALiveService(int smokeRelease, int serviceRelease, int total, int skipped)
    {
        var service = _services[serviceRelease];

        var run = await RunSmokeAsync(_smokeDlls[smokeRelease], service.Url.ToString());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            Assert.That(Summary(run), Is.EqualTo((Failed: 0, Passed: total - skipped, Skipped: skipped)), run.ToString());
            Assert.That(await service.Database.CountItemsAsync(), Is.Zero, "the smoke tests leave no data behind");
        }
    }

    [Test]
    public async Task WithoutCatalogUrlEverySmokeTestFailsSayingWhy()
    {
        var run = await RunSmokeAsync(_smokeDlls[ReleaseNPlus1], url: null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.Not.Zero);
            Assert.That(Summary(run), Is.EqualTo((Failed: SmokeTestsOfReleaseNPlus1, Passed: 0, Skipped: 0)), run.ToString());
            Assert.That(run.Stdout, Does.Contain("CATALOG_URL is not set"));
        }
    }

    private static Task<DotnetProcess.Result> RunSmokeAsync(string dll, string? url) =>
        DotnetProcess.RunAsync(
            Path.GetDirectoryName(dll)!,
            ["test", dll, "--filter", "TestCategory=Smoke"],
            url is null ? new Dictionary<string, string>() : new() { ["CATALOG_URL"] = url },
            Patience);

    /// <summary>The counts of dotnet test's closing line, e.g. "Passed!  - Failed:     0, Passed:    10, Skipped:     0, Total:    10".</summary>
    private static (int Failed, int Passed, int Skipped) Summary(DotnetProcess.Result run)
    {
        var match = SummaryLine().Match(run.Stdout);
        Assert.That(match.Success, Is.True, $"no summary line in the output: {run}");
        return (int.Parse(match.Groups["failed"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(match.Groups["passed"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(match.Groups["skipped"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"Failed:\s+(?<failed>\d+), Passed:\s+(?<passed>\d+), Skipped:\s+(?<skipped>\d+)")]
    private static partial Regex SummaryLine();

    private sealed record Service(CatalogHost Host, Uri Url, TestDatabase Database);
}
