namespace Catalog.Service.Observability;

/// <summary>
/// The exception handler clears the matched endpoint before it writes its 500, which would leave
/// prometheus-net's endpoint label empty for exactly the requests a 5xx alert is about. This restores
/// the endpoint afterwards; it sits between the metrics middleware and the exception handler.
/// </summary>
internal sealed class KeepEndpointForMetrics(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        try
        {
            await next(context);
        }
        finally
        {
            if (context.GetEndpoint() is null && endpoint is not null)
            {
                context.SetEndpoint(endpoint);
            }
        }
    }
}
