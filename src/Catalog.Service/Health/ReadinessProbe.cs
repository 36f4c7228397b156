using Catalog.Service.Data;
using Catalog.Service.Release;

namespace Catalog.Service.Health;

/// <summary>
/// Decides whether this instance may take traffic: the database answers and its schema has every
/// migration this release requires. Nothing is cached, so a node drops out of HAProxy within one check.
/// Changes of state are logged (not every check: HAProxy asks every second); not being ready is
/// expected during a rollout, so it is a warning, never an error.
/// </summary>
internal sealed partial class ReadinessProbe(ReleaseInfo release, SchemaVersionReader schema, ILogger<ReadinessProbe> logger)
{
    // The reason of the last answer (null: ready); starts as a value no answer has, so the first one is logged.
    private string? _lastReason = string.Empty;

    public async Task<Readiness> CheckAsync(CancellationToken cancellationToken)
    {
        var readiness = await EvaluateAsync(cancellationToken);
        if (Interlocked.Exchange(ref _lastReason, readiness.Reason) != readiness.Reason)
        {
            if (readiness.IsReady)
            {
                LogReady(logger, release.RequiredSchema);
            }
            else
            {
                LogNotReady(logger, readiness.Reason!);
            }
        }

        return readiness;
    }

    private async Task<Readiness> EvaluateAsync(CancellationToken cancellationToken)
    {
        if (release.NeverReady)
        {
            return Readiness.NotReady($"fault injected: {ReleaseInfo.NeverReadyFault}");
        }

        try
        {
            var current = await schema.ReadAsync(cancellationToken);
            return current >= release.RequiredSchema
                ? Readiness.Ready()
                : Readiness.NotReady($"schema {current} is behind the required {release.RequiredSchema}");
        }
        catch (DatabaseUnavailableException e)
        {
            return Readiness.NotReady(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready: the database schema has every migration up to {RequiredSchema}")]
    private static partial void LogReady(ILogger logger, int requiredSchema);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not ready: {Reason}")]
    private static partial void LogNotReady(ILogger logger, string reason);
}
