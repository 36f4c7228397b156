using System.Globalization;
using Catalog.Service.Release;
using Catalog.Service.Startup;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Catalog.Service.Tests.Support;

/// <summary>
/// The service hosted in-process on a test database. A schema level runs "release N" behaviour from
/// this (release N+1) build, as the Catalog:SchemaLevel override allows.
/// </summary>
internal sealed class CatalogApp(string connectionString, int? schemaLevel = null, string? fault = null) : WebApplicationFactory<Program>
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting(CatalogSettings.DatabaseKey, connectionString);
        if (schemaLevel is { } level)
        {
            builder.UseSetting(ReleaseInfo.SchemaLevelKey, level.ToString(CultureInfo.InvariantCulture));
        }

        if (fault is not null)
        {
            builder.UseSetting(ReleaseInfo.FaultKey, fault);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}
