namespace Catalog.Service.Observability;

/// <summary>
/// Answers 501 to an HTTP method the catalog does not use, before the metrics middleware sees it: prometheus-net
/// labels each request with its method as sent, so a scanner trying made-up methods would add series without end
/// (memory in the service, cardinality in Prometheus).
/// </summary>
internal sealed class KnownMethodsOnly(RequestDelegate next)
{
    private static readonly HashSet<string> Known = new(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"], StringComparer.Ordinal);

    public Task InvokeAsync(HttpContext context)
    {
        if (Known.Contains(context.Request.Method))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status501NotImplemented;
        return Task.CompletedTask;
    }
}
