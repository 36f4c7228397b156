using Platform.Core;

namespace Platform.Deploy;

/// <summary>A slow start (the database away, a cold disk) says it is still waiting, and how long it may.</summary>
internal static class ReadyProgress
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    public static Action<TimeSpan> StillWaiting(IReporter reporter, string node, string version, int port, TimeSpan timeout) => waited =>
        reporter.Info($"[roll] {node}: waiting for {version} on port {port} to be ready ({waited.TotalSeconds:0} s of --ready-timeout={timeout.TotalSeconds:0})");
}
