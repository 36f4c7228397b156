using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Catalog.Client;

/// <summary>Registers the catalog client with dependency injection (IHttpClientFactory).</summary>
public static class CatalogClientServiceCollectionExtensions
{
    /// <summary>The name of the HttpClient (and its logging category) under IHttpClientFactory.</summary>
    public const string HttpClientName = "Catalog.Client";

    /// <summary>
    /// Registers <see cref="ICatalogClient"/> as a typed HttpClient with the client's retries and timeouts.
    /// The options are checked when the client is first resolved.
    /// </summary>
    /// <returns>The HttpClient's builder, e.g. to add handlers or replace the primary handler.</returns>
    public static IHttpClientBuilder AddCatalogClient(this IServiceCollection services, Action<CatalogClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<CatalogClientOptions>().Configure(configure);

        var builder = services
            .AddHttpClient<ICatalogClient, CatalogClient>(HttpClientName, (http, provider) => new CatalogClient(http, OptionsFrom(provider)))
            // The resilience pipeline times out each attempt; HttpClient's own overall timeout would only cut retries short.
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler(CatalogResilience.PipelineName, (pipeline, context) => CatalogResilience.Configure(pipeline, OptionsFrom(context.ServiceProvider)));
        // Added after the resilience handler, so it runs inside each attempt (and its timeout).
        builder.AddHttpMessageHandler(() => new CatalogAttemptHandler());
        return builder;
    }

    private static CatalogClientOptions OptionsFrom(IServiceProvider provider) => provider.GetRequiredService<IOptions<CatalogClientOptions>>().Value;
}
