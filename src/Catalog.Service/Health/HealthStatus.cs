using System.Text.Json.Serialization;

namespace Catalog.Service.Health;

/// <summary>The body of /health/live and /health/ready: <c>{"status":"ready"}</c>, with the reason when not ready.</summary>
internal sealed record HealthStatus(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
