using Catalog.Service.Health;
using Catalog.Service.Items;
using Catalog.Service.Observability;
using Catalog.Service.Release;
using Catalog.Service.Startup;
using Catalog.Service.Testing;
using Prometheus;

namespace Catalog.Service;

/// <summary>The request pipeline and endpoints.</summary>
internal static class CatalogPipeline
{
    /// <exception cref="StartupException">The configuration is invalid (checked here, before any request is served).</exception>
    public static WebApplication UseCatalogPipeline(this WebApplication app)
    {
        // Resolved now, so that a bad configuration stops the start rather than the first request.
        var settings = app.Services.GetRequiredService<CatalogSettings>();
        app.Services.GetRequiredService<ReleaseInfo>();

        // Outermost, so the log shows the status the client really got (including a 500 from the handler below).
        app.UseMiddleware<RequestLogging>();
        app.UseMiddleware<KnownMethodsOnly>();
        app.UseRouting();
        // Outside the exception handler, so that failed requests are counted as 500s.
        app.UseHttpMetrics();
        app.UseMiddleware<KeepEndpointForMetrics>();
        // Unhandled exceptions: logged at Error by the handler, answered as 500 problem details; a database that cannot be
        // reached is a 503 and a warning (DatabaseUnavailableHandler).
        app.UseExceptionHandler();
        // Bodyless 4xx answers (malformed JSON, unknown route, bad query value) become problem details.
        app.UseStatusCodePages();

        app.MapItemEndpoints();
        app.MapHealthEndpoints();
        app.MapMetrics();
        if (settings.TestDelayEndpoint)
        {
            app.MapTestDelayEndpoint();
        }

        return app;
    }
}
