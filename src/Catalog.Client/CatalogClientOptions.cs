namespace Catalog.Client;

/// <summary>How the client reaches the catalog. Checked when the client is created; an invalid value is an <see cref="ArgumentException"/>.</summary>
public sealed class CatalogClientOptions
{
    /// <summary>The default of <see cref="MaxRetries"/>.</summary>
    public const int DefaultMaxRetries = 2;

    /// <summary>The most <see cref="MaxRetries"/> may be.</summary>
    public const int MaxMaxRetries = 10;

    /// <summary>The default of <see cref="Timeout"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    // The bounds of the resilience timeout strategy (Polly); checked here to fail with a clear message.
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(24);

    /// <summary>Required: the catalog's root URL, e.g. <c>http://127.0.10.10:8080/</c> (a path prefix is kept).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// The longest one attempt may take (default 10 s). A GET, PUT or DELETE that times out is retried, so
    /// one call may take up to (<see cref="MaxRetries"/> + 1) × Timeout + <see cref="MaxRetries"/> × 5 s (the
    /// longest wait before a retry); pass a <see cref="CancellationToken"/> to bound it tighter.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>
    /// Retries after the first attempt (default 2, 0 to 10), only for idempotent calls (GET, PUT, DELETE)
    /// and only on transient failures: 5xx (but 501 and 505), 408, 429, connection failures and timeouts. POST is never
    /// retried: a lost answer would otherwise create the item twice.
    /// </summary>
    public int MaxRetries { get; set; } = DefaultMaxRetries;

    /// <summary>
    /// Sends every create, update and delete with <c>?dryRun=true</c>: the server validates it and answers
    /// what would happen, and nothing changes. Reads are unaffected.
    /// </summary>
    public bool DryRun { get; set; }

    /// <summary>The base address with a trailing slash, so that relative paths keep its path prefix.</summary>
    internal Uri Root => BaseAddress!.AbsolutePath.EndsWith('/') ? BaseAddress : new Uri(BaseAddress + "/");

    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    internal void Validate()
    {
        const string param = "options";
        if (BaseAddress is null)
        {
            throw new ArgumentException("CatalogClientOptions.BaseAddress is required: the catalog's root URL, e.g. http://127.0.0.1:8080/.", param);
        }

        // Before any message that quotes the address: user:password@ would end up in logs. The client never sends them anyway.
        if (BaseAddress.IsAbsoluteUri && BaseAddress.UserInfo.Length > 0)
        {
            throw new ArgumentException("CatalogClientOptions.BaseAddress must not contain credentials (user:password@): the client does not send them, and every error message would show them.", param);
        }

        if (!BaseAddress.IsAbsoluteUri || (BaseAddress.Scheme != Uri.UriSchemeHttp && BaseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"CatalogClientOptions.BaseAddress must be an absolute http or https URL, not '{BaseAddress}'.", param);
        }

        // Paths are resolved against the base address, which would drop its query and, with it, the path prefix.
        if (BaseAddress.Query.Length > 0 || BaseAddress.Fragment.Length > 0)
        {
            throw new ArgumentException($"CatalogClientOptions.BaseAddress must be the catalog's root URL without a query or fragment, not '{BaseAddress}'.", param);
        }

        if (Timeout <= MinTimeout || Timeout >= MaxTimeout)
        {
            throw new ArgumentException($"CatalogClientOptions.Timeout must be more than {MinTimeout.TotalMilliseconds} ms and less than {MaxTimeout.TotalHours} h, not {Timeout}.", param);
        }

        if (MaxRetries is < 0 or > MaxMaxRetries)
        {
            throw new ArgumentException($"CatalogClientOptions.MaxRetries must be between 0 and {MaxMaxRetries}, not {MaxRetries}.", param);
        }
    }
}
