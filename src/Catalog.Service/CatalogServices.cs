using Catalog.Service.Data;
using Catalog.Service.Health;
using Catalog.Service.Items;
using Catalog.Service.Serialization;
using Catalog.Service.Release;
using Catalog.Service.Startup;
using Npgsql;

namespace Catalog.Service;

/// <summary>Registers the service's parts. Settings are read from configuration when first resolved, so tests can supply them.</summary>
internal static class CatalogServices
{
    /// <summary>The largest request body accepted (64 KiB).</summary>
    public const int MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddCatalogServices(this WebApplicationBuilder builder)
    {
        ConfigureLogging(builder.Logging);

        var services = builder.Services;
        services.AddSingleton(provider => CatalogSettings.From(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton(provider => ReleaseInfo.Baked.WithOverrides(provider.GetRequiredService<IConfiguration>()));
        services.AddOptions<HostOptions>().Configure<CatalogSettings>((options, settings) => options.ShutdownTimeout = settings.ShutdownTimeout);

        // Npgsql's own logging stays off: a database outage must show as readiness warnings, not error entries.
        services.AddSingleton(provider => CatalogDataSource.Create(provider.GetRequiredService<CatalogSettings>().ConnectionString));
        services.AddSingleton(provider => new ItemSchemaFeatures(provider.GetRequiredService<ReleaseInfo>().SchemaLevel));
        services.AddSingleton<SchemaVersionReader>();
        services.AddSingleton<ItemSql>();
        services.AddSingleton<ItemStore>();
        services.AddSingleton<ItemValidator>();
        services.AddSingleton<ReadinessProbe>();
        services.AddSingleton(TimeProvider.System);

        services.AddProblemDetails();
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        // The largest valid item is about 16 KB: a bigger body is refused (413) before it is read into memory, not
        // parsed whole (Kestrel allows 30 MB) and then found too long.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, CatalogJson.Default));
        // Malformed bodies and bad query values are answered 400 (as problem details by the status code pages),
        // in every environment, instead of surfacing as exceptions.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        return builder;
    }

    /// <summary>JSON lines on stdout, one entry per line, for the deployer's log checks.</summary>
    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddJsonConsole(options =>
        {
            options.JsonWriterOptions = new() { Indented = false };
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            options.UseUtcTimestamp = true;
        });

        // RequestLogging logs each request once; ASP.NET Core's own per-request entries would double them.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    }
}
