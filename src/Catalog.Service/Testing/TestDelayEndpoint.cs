namespace Catalog.Service.Testing;

/// <summary>
/// GET /test/delay?ms=N[&amp;untilShutdown=true]: a deliberately slow request, to prove that shutdown lets
/// in-flight requests finish. Mapped only when CATALOG_TEST_DELAY_ENDPOINT=1, never in production.
/// With untilShutdown the request is held until shutdown has begun, then N ms more, so a test can be
/// sure it is in flight across SIGTERM without guessing at timings.
/// </summary>
internal static partial class TestDelayEndpoint
{
    private const int MaxDelayMs = 60_000;

    public static void MapTestDelayEndpoint(this IEndpointRouteBuilder app) => app.MapGet("/test/delay", DelayAsync);

    private static async Task<IResult> DelayAsync(int ms, bool? untilShutdown, IHostApplicationLifetime lifetime, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (ms is < 0 or > MaxDelayMs)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["ms"] = [$"The delay must be between 0 and {MaxDelayMs} ms."] });
        }

        LogStarted(loggers.CreateLogger(typeof(TestDelayEndpoint).FullName!), ms, untilShutdown == true);
        if (untilShutdown == true)
        {
            await WhenCancelledAsync(lifetime.ApplicationStopping, cancellationToken);
        }

        await Task.Delay(ms, cancellationToken);
        return Results.Ok(new DelayResult(ms));
    }

    private static async Task WhenCancelledAsync(CancellationToken token, CancellationToken abort)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = token.Register(() => cancelled.TrySetResult());
        await cancelled.Task.WaitAsync(abort);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Test delay started: {DelayMs} ms, until shutdown: {UntilShutdown}")]
    private static partial void LogStarted(ILogger logger, int delayMs, bool untilShutdown);
}
