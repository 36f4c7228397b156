namespace Catalog.Client;

/// <summary>How long a 429 or 503 answer asks the client to wait before trying again (the Retry-After header).</summary>
internal static class RetryAfter
{
    /// <returns>The wait asked for (zero for a date already past), or null when the answer names none.</returns>
    public static TimeSpan? Of(HttpResponseMessage? response) => response?.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
