using Catalog.Service.Data;
using Catalog.Service.Serialization;
using Catalog.Service.Release;

namespace Catalog.Service.Health;

/// <summary>Liveness, readiness (for HAProxy) and the release/schema identity (for the deployer).</summary>
internal static class HealthEndpoints
{
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // HEAD too: a load balancer's check may use either.
        app.MapMethods("/health/live", GetOrHead, () => Results.Ok(new HealthStatus("live")));
        app.MapMethods("/health/ready", GetOrHead, Ready);
        app.MapGet("/version", Version);
    }

    private static async Task<IResult> Ready(ReadinessProbe probe, CancellationToken cancellationToken)
    {
        var readiness = await probe.CheckAsync(cancellationToken);
        return readiness.IsReady
            ? Results.Ok(new HealthStatus("ready"))
            : Results.Json(new HealthStatus("not-ready", readiness.Reason), CatalogJson.Default.HealthStatus, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> Version(ReleaseInfo release, SchemaVersionReader schema, CancellationToken cancellationToken)
    {
        int? databaseSchema;
        try
        {
            databaseSchema = await schema.ReadAsync(cancellationToken);
        }
        catch (DatabaseUnavailableException)
        {
            databaseSchema = null;
        }

        return Results.Ok(new VersionInfo(release.Release, release.RequiredSchema, databaseSchema));
    }
}
