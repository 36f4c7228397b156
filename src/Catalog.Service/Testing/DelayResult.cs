namespace Catalog.Service.Testing;

/// <summary>The body of /test/delay.</summary>
internal sealed record DelayResult(int DelayedMs);
