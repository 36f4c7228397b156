using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Catalog.Client.Tests.Support;

/// <summary>
/// The real service hosted in-process on a test database. A schema level runs "release N" behaviour from
/// this (release N+1) build through the service's test-only Catalog:SchemaLevel override.
/// </summary>
internal sealed class CatalogHost(string connectionString, int? schemaLevel = null) : WebApplicationFactory<Program>
{
    // The service's configuration keys (internal to it, so spelled out here).
    private const string DatabaseKey = "CATALOG_DB";
    private const string SchemaLevelKey = "Catalog:SchemaLevel";

    public RecordedHeaders ClientHeaders { get; } = new("X-Catalog-Client");

    /// <summary>A client of this service through the in-memory test server, with the client's retries and timeouts.</summary>
    public CatalogClient CreateCatalogClient(bool dryRun = false) =>
        CatalogClient.Create(new CatalogClientOptions { BaseAddress = Server.BaseAddress, DryRun = dryRun }, Server.CreateHandler());

    /// <summary>Serves on Kestrel at a free port of 127.0.0.1 instead of in memory, for clients in other processes.</summary>
    /// <returns>The root URL.</returns>
    public Uri ListenOnLoopback()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting(DatabaseKey, connectionString);
        if (schemaLevel is { } level)
        {
            builder.UseSetting(SchemaLevelKey, level.ToString(CultureInfo.InvariantCulture));
        }

        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(ClientHeaders));
    }
}
