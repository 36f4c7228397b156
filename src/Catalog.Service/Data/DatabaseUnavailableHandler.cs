using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Catalog.Service.Data;

/// <summary>
/// A request that failed because the database could not be reached (down, restarting, out of connections) is answered
/// 503 with <c>Retry-After: 1</c> and logged as a warning: the client retries what it may (its documented contract
/// for a catalog that cannot reach its database), and an outage is not written as error entries, which the
/// deployer counts against a release it has just switched to. A 503 says nothing was done, so it is given only where
/// that holds: no connection could be had (nothing was sent), or a read lost its connection. A write whose connection
/// broke under it may have committed: that stays a 500 (the client then counts it as possibly done), as does any
/// other failure, logged as an error.
/// </summary>
internal sealed partial class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DatabaseUnavailableException && !(IsRead(context.Request.Method) && IsUnavailable(exception)))
        {
            return false;
        }

        LogUnavailable(logger, context.Request.Method, context.Request.Path, exception.Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        // Handled even when no problem details could be written (a client that accepts no JSON): the 503 stands.
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Database unavailable", Detail = "The catalog cannot reach its database just now: try again shortly." },
        });
        return true;
    }

    private static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);

    // Connection-level failures only: a refused or broken connection, a timeout, the server shutting down or out of
    // connections (SQLSTATE classes 08 and 57P, 53300). A query the database rejects is the service's own error.
    internal static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300",
        NpgsqlException npgsql => npgsql.InnerException is SocketException or IOException or TimeoutException || npgsql.IsTransient,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);
}
