using System.Net;
using Catalog.Client.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Catalog.Client.Tests;

/// <summary>A client made by Create owns its connections and is disposable; the one from dependency injection is not.</summary>
public sealed class DisposalTests
{
    [Test]
    public async Task DisposingACreatedClientReleasesItsHandlerAndEndsIt()
    {
        var stub = StubHandler.Answering(HttpStatusCode.OK, "[]");
        var client = stub.CreateClient();
        await client.ListAsync();

        client.Dispose();

        Assert.That(stub.Disposed, Is.True, "the connection pool under it is closed");
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ListAsync());
    }

    [Test]
    public async Task TheClientFromDependencyInjectionIsNotDisposableSoTheContainerKeepsNoneOfThem()
    {
        var services = new ServiceCollection();
        services.AddCatalogClient(o => o.BaseAddress = new Uri("http://catalog.test/"));
        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ICatalogClient>(), Is.InstanceOf<CatalogClient>().And.Not.InstanceOf<IDisposable>());
    }
}
