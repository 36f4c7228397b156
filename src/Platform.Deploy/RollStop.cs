using Platform.Core;

namespace Platform.Deploy;

/// <summary>Why a node was not rolled, as its recap line and the console say it.</summary>
internal static class RollStop
{
    /// <param name="rollToken">The roll's token: cancelled by Ctrl+C (the run's) or by the progress deadline.</param>
    public static string Why(RunContext run, CancellationToken rollToken) =>
        run.Cancellation.IsCancellationRequested ? "the roll was stopped"
        : rollToken.IsCancellationRequested ? "the progress deadline ran out"
        : "an earlier node failed";
}
