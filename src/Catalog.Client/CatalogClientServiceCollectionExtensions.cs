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
    /// The options are checked when the client is first resolved. One catalog per container: for a second one
    /// (another environment, a dry-run client beside the real one) use <see cref="CatalogClient.Create(CatalogClientOptions)"/>.
    /// </summary>
    /// <returns>The HttpClient's builder, e.g. to add handlers or replace the primary handler.</returns>
    /// <exception cref="InvalidOperationException">Called a second time on the same <paramref name="services"/>.</exception>
    public static IHttpClientBuilder AddCatalogClient(this IServiceCollection services, Action<CatalogClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        // A second call would merge its options into the first's (one client: a dry run's DryRun lost to the other's)
        // and stack a second retry pipeline under the same HttpClient (3 × 3 attempts where 3 were promised).
        if (services.Any(d => d.ServiceType == typeof(Registered)))
        {
            throw new InvalidOperationException(
                "AddCatalogClient was called twice on the same services: both calls would share one client and its options, each adding its own retries. "
                + "Register it once; for a second catalog (another environment, or a dry-run client beside the real one), create it with CatalogClient.Create(options) and dispose it at the end.");
        }

        services.AddSingleton<Registered>();
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

    // Marks a container that has the catalog client.
    private sealed class Registered;

    private static CatalogClientOptions OptionsFrom(IServiceProvider provider) => provider.GetRequiredService<IOptions<CatalogClientOptions>>().Value;
}
