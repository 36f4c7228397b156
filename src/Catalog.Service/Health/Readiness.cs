namespace Catalog.Service.Health;

/// <summary>The answer of /health/ready: ready with the schema seen, or not ready and why (never a secret).</summary>
internal sealed record Readiness(bool IsReady, string? Reason)
{
    public static Readiness Ready() => new(true, null);

    public static Readiness NotReady(string reason) => new(false, reason);
}
