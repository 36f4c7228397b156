using Microsoft.Extensions.DependencyInjection;

namespace Catalog.Client.Tests;

/// <summary>Bad options fail when the client is created, naming the option.</summary>
public sealed class OptionsTests
{
    [Test]
    public void DefaultsAreTenSecondsTwoRetriesAndRealChanges()
    {
        var options = new CatalogClientOptions();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.MaxRetries, Is.EqualTo(2));
            Assert.That(options.DryRun, Is.False);
            Assert.That(options.BaseAddress, Is.Null);
        }
    }

    [Test]
    public void ABaseAddressIsRequired()
    {
        var failure = Assert.Throws<ArgumentException>(() => CatalogClient.Create(new CatalogClientOptions()));

        Assert.That(failure.Message, Does.Contain("BaseAddress is required"));
    }

    [TestCase("/items")]
    [TestCase("ftp://catalog.test/")]
    public void TheBaseAddressMustBeAnAbsoluteHttpUrl(string address)
    {
        var failure = Assert.Throws<ArgumentException>(() => CatalogClient.Create(new CatalogClientOptions { BaseAddress = new Uri(address, UriKind.RelativeOrAbsolute) }));

        Assert.That(failure.Message, Does.Contain("absolute http or https URL").And.Contain(address));
    }

    [TestCase("http://proxy.test/catalog?tenant=1")]
    [TestCase("http://proxy.test/catalog#items")]
    public void TheBaseAddressHasNoQueryOrFragment(string address)
    {
        var failure = Assert.Throws<ArgumentException>(() => CatalogClient.Create(new CatalogClientOptions { BaseAddress = new Uri(address) }));

        Assert.That(failure.Message, Does.Contain("without a query or fragment").And.Contain(address));
    }

    [TestCase("http://catalog:S3cret@catalog.test/")]
    [TestCase("ftp://catalog:S3cret@catalog.test/")]
    public void CredentialsInTheBaseAddressAreRefusedWithoutBeingEchoed(string address)
    {
        var failure = Assert.Throws<ArgumentException>(() => CatalogClient.Create(new CatalogClientOptions { BaseAddress = new Uri(address) }));

        Assert.That(failure.Message, Does.Contain("must not contain credentials").And.Not.Contain("S3cret"));
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(86_400_000)]
    public void TheTimeoutMustBeInRange(int milliseconds)
    {
        var options = new CatalogClientOptions { BaseAddress = new Uri("http://catalog.test/"), Timeout = TimeSpan.FromMilliseconds(milliseconds) };

        var failure = Assert.Throws<ArgumentException>(() => CatalogClient.Create(options));

        Assert.That(failure.Message, Does.Contain("Timeout must be"));
    }

    [TestCase(-1)]
    [TestCase(11)]
    public void MaxRetriesMustBeInRange(int retries)
    {
        var options = new CatalogClientOptions { BaseAddress = new Uri("http://catalog.test/"), MaxRetries = retries };

        var failure = Assert.Throws<ArgumentException>(() => CatalogClient.Create(options));

        Assert.That(failure.Message, Does.Contain("MaxRetries must be between 0 and 10"));
    }

    [Test]
    public void DependencyInjectionChecksTheOptionsWhenTheClientIsResolved()
    {
        var services = new ServiceCollection();
        services.AddCatalogClient(_ => { });
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<ICatalogClient>());

        Assert.That(failure.Message, Does.Contain("BaseAddress is required"));
    }
}
