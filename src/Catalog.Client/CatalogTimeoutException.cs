namespace Catalog.Client;

/// <summary>
/// The catalog did not answer in time (after the retries an idempotent call gets). Thrown instead of the
/// TaskCanceledException HttpClient would give, so a timeout is never mistaken for the caller's own
/// cancellation, which stays an <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class CatalogTimeoutException(string message, TimeSpan timeout, Exception? innerException = null)
    : TimeoutException(message, innerException)
{
    /// <summary>The time one attempt was allowed.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
