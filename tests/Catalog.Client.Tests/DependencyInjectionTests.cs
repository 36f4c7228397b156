using Catalog.Client.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Catalog.Client.Tests;

/// <summary>AddCatalogClient registers a working ICatalogClient through IHttpClientFactory.</summary>
public sealed class DependencyInjectionTests : ServiceFixture
{
    [Test]
    public async Task TheRegisteredClientTalksToTheService()
    {
        var services = new ServiceCollection();
        services.AddCatalogClient(options => options.BaseAddress = Host.Server.BaseAddress)
            .ConfigurePrimaryHttpMessageHandler(() => Host.Server.CreateHandler());
        await using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<ICatalogClient>();

        var created = (await catalog.CreateAsync(new ItemDraft("Lamp", 5m))).Item!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(catalog, Is.InstanceOf<CatalogClient>());
            Assert.That(await catalog.GetAsync(created.Id), Is.EqualTo(created));
            Assert.That(Host.ClientHeaders.Values[^1], Is.EqualTo(CatalogClientIdentity.Value));
        }
    }

    // A second registration would share the first's client and options (a dry run's DryRun lost) and stack its retries.
    [Test]
    public void RegisteringTheClientTwiceIsRefused()
    {
        var services = new ServiceCollection();
        services.AddCatalogClient(options => options.BaseAddress = Host.Server.BaseAddress);

        var refused = Assert.Throws<InvalidOperationException>(() => services.AddCatalogClient(options => options.DryRun = true));

        Assert.That(refused.Message, Does.Contain("AddCatalogClient was called twice").And.Contain("CatalogClient.Create"));
    }

    [Test]
    public async Task TheRegisteredOptionsApplyDryRunIncluded()
    {
        var services = new ServiceCollection();
        services.AddCatalogClient(options =>
            {
                options.BaseAddress = Host.Server.BaseAddress;
                options.DryRun = true;
            })
            .ConfigurePrimaryHttpMessageHandler(() => Host.Server.CreateHandler());
        await using var provider = services.BuildServiceProvider();

        var change = await provider.GetRequiredService<ICatalogClient>().CreateAsync(new ItemDraft("Lamp", 5m));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(change.DryRun, Is.True);
            Assert.That(await Database.CountItemsAsync(), Is.Zero);
        }
    }
}
