using Catalog.Service.Startup;
using Microsoft.Extensions.Configuration;

namespace Catalog.Service.Tests.Unit;

public sealed class CatalogSettingsTests
{
    private const string ConnectionString = "Host=127.0.0.1;Username=catalog;Password=S3cret-Value";

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void AMissingConnectionStringNamesTheVariable(string? value)
    {
        var error = Assert.Throws<StartupException>(() => CatalogSettings.From(Configuration(("CATALOG_DB", value))));

        Assert.That(error.Message, Does.StartWith("CATALOG_DB is not set"));
    }

    [TestCase("Password=S3cret-Value;Bogus Keyword=1")]
    [TestCase("Username=catalog;Password=S3cret-Value")]
    [TestCase("Host=127.0.0.1;Password=S3cret-Value;Minimum Pool Size=50;Maximum Pool Size=10")]
    public void AnInvalidConnectionStringIsRejectedWithoutEchoingIt(string value)
    {
        var error = Assert.Throws<StartupException>(() => CatalogSettings.From(Configuration(("CATALOG_DB", value))));

        Assert.That(error.Message, Does.Contain("CATALOG_DB").And.Not.Contain("S3cret").And.Not.Contain("Bogus"));
    }

    [Test]
    public void TheShutdownTimeoutDefaultsTo20Seconds()
    {
        var settings = CatalogSettings.From(Configuration(("CATALOG_DB", ConnectionString)));

        Assert.That(settings.ShutdownTimeout, Is.EqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public void TheShutdownTimeoutIsReadInSeconds()
    {
        var settings = CatalogSettings.From(Configuration(("CATALOG_DB", ConnectionString), ("CATALOG_SHUTDOWN_TIMEOUT_SECONDS", "45")));

        Assert.That(settings.ShutdownTimeout, Is.EqualTo(TimeSpan.FromSeconds(45)));
    }

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("ten")]
    public void AnInvalidShutdownTimeoutNamesTheVariable(string value)
    {
        var error = Assert.Throws<StartupException>(() => CatalogSettings.From(Configuration(("CATALOG_DB", ConnectionString), ("CATALOG_SHUTDOWN_TIMEOUT_SECONDS", value))));

        Assert.That(error.Message, Does.StartWith("CATALOG_SHUTDOWN_TIMEOUT_SECONDS"));
    }

    [Test]
    public void TheTestDelayEndpointIsOffUnlessSetTo1()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CatalogSettings.From(Configuration(("CATALOG_DB", ConnectionString))).TestDelayEndpoint, Is.False);
            Assert.That(CatalogSettings.From(Configuration(("CATALOG_DB", ConnectionString), ("CATALOG_TEST_DELAY_ENDPOINT", "true"))).TestDelayEndpoint, Is.False);
            Assert.That(CatalogSettings.From(Configuration(("CATALOG_DB", ConnectionString), ("CATALOG_TEST_DELAY_ENDPOINT", "1"))).TestDelayEndpoint, Is.True);
        }
    }

    [Test]
    public void PrintingTheSettingsNeverShowsTheConnectionString()
    {
        var settings = CatalogSettings.From(Configuration(("CATALOG_DB", ConnectionString)));

        Assert.That(settings.ToString(), Does.Not.Contain("S3cret"));
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
