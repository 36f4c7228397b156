using System.Diagnostics;

namespace Catalog.Service.Observability;

/// <summary>
/// Logs every request once it is answered, with the client's version (X-Catalog-Client) when sent, so a
/// rollout can be followed per client release. Health checks and scrapes come every second, so they are
/// logged at Debug only.
/// </summary>
internal sealed partial class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public const string ClientHeader = "X-Catalog-Client";
    private const int MaxClientLength = 100;

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var request = context.Request;
            var level = request.Path.StartsWithSegments("/health") || request.Path.StartsWithSegments("/metrics") ? LogLevel.Debug : LogLevel.Information;
            var elapsedMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
            var client = request.Headers[ClientHeader].ToString();
            if (client.Length == 0)
            {
                LogRequest(logger, level, request.Method, request.Path, context.Response.StatusCode, elapsedMs);
            }
            else
            {
                LogClientRequest(logger, level, request.Method, request.Path, context.Response.StatusCode, elapsedMs, client[..Math.Min(client.Length, MaxClientLength)]);
            }
        }
    }

    [LoggerMessage(Message = "{Method} {Path} answered {StatusCode} in {ElapsedMs} ms")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string path, int statusCode, double elapsedMs);

    [LoggerMessage(Message = "{Method} {Path} answered {StatusCode} in {ElapsedMs} ms to {Client}")]
    private static partial void LogClientRequest(ILogger logger, LogLevel level, string method, string path, int statusCode, double elapsedMs, string client);
}
