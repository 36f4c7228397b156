using System.Net;

namespace Platform.Secrets;

/// <summary>
/// Bounded retries for transient Vault failures: 5xx (except 501, which will never work), 429 (a rate limit
/// quota: the Vault CLI retries it too), timeouts and connection failures. Other 4xx are never retried: the
/// request itself is wrong. A sealed Vault (503) is retried only up to the bound, since unsealing needs a person.
/// </summary>
public sealed record VaultRetryPolicy
{
    /// <summary>Total attempts per request, the first included.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Wait before the first retry; doubled for each following one.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How to wait; tests replace it to run without sleeping.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    /// <summary>The wait after failed attempt number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayAfter(int attempt) => BaseDelay * Math.Pow(2, attempt - 1);

    public static bool IsRetryable(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);
}
