using Catalog.Client.Tests.Support;
using Platform.TestSupport;

namespace Catalog.Client.Tests;

/// <summary>samples/Catalog.Example run as a consumer would (<c>dotnet Catalog.Example.dll</c>) against the service on a real loopback port.</summary>
public sealed class ExampleProgramTests : ServiceFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private Uri _url = null!;

    [OneTimeSetUp]
    public void ListenOnLoopback() => _url = Host.ListenOnLoopback();

    [Test]
    public async Task TheExampleRoundTripsAnItemAndLeavesNothingBehind()
    {
        var run = await RunExampleAsync(_url.ToString());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            Assert.That(run.Stdout, Does.Contain("created  #").And.Contain("read     #").And.Contain("listed   1 item(s)").And.Contain("updated  #").And.Contain("deleted  #"));
            Assert.That(await Database.CountItemsAsync(), Is.Zero);
            Assert.That(Host.ClientHeaders.Values, Has.Some.EqualTo(CatalogClientIdentity.Value), "the example's requests name the client");
        }
    }

    [Test]
    public async Task TheExampleInDryRunModeChangesNothing()
    {
        using var catalog = CatalogClient.Create(new CatalogClientOptions { BaseAddress = _url });
        var existing = (await catalog.CreateAsync(new ItemDraft("Lamp", 5m))).Item!;

        var run = await RunExampleAsync(_url.ToString(), "--dry-run");
        var after = await catalog.ListAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            Assert.That(run.Stdout, Does.Contain("would create").And.Contain("would update #").And.Contain("would delete #"));
            Assert.That(after, Is.EqualTo(new[] { existing }), "no row created, changed or deleted");
        }
    }

    [Test]
    public async Task WithoutCatalogUrlTheExampleExitsWith2AndSaysWhy()
    {
        var run = await RunExampleAsync(url: null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.Stderr, Does.Contain("CATALOG_URL is not set"));
        }
    }

    [Test]
    public async Task ACatalogUrlThatIsNoUrlExitsWith2NamingIt()
    {
        var run = await RunExampleAsync(url: "notaurl");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.Stderr, Does.Contain("CATALOG_URL=notaurl is not a URL"));
        }
    }

    [Test]
    public async Task ACatalogUrlWithCredentialsExitsWith2WithoutShowingThem()
    {
        var run = await RunExampleAsync($"http://catalog:S3cret@127.0.0.1:{_url.Port}/");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.Stderr, Does.Contain("must not contain credentials").And.Not.Contain("S3cret"));
        }
    }

    [Test]
    public async Task AnUnreachableCatalogExitsWith1AndSaysWhy()
    {
        // The port the service listens on, on another loopback address where nothing listens.
        var run = await RunExampleAsync($"http://127.0.0.2:{_url.Port}/");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.Stderr, Does.StartWith("Catalog.Example failed: ").And.Contain("127.0.0.2"));
        }
    }

    private static Task<DotnetProcess.Result> RunExampleAsync(string? url, params string[] arguments) =>
        DotnetProcess.RunAsync(Path.GetDirectoryName(ExampleBuild.Dll)!, [ExampleBuild.Dll, .. arguments], url is null ? new Dictionary<string, string>() : new() { ["CATALOG_URL"] = url }, Patience);
}
