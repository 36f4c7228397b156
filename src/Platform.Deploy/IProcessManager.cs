namespace Platform.Deploy;

/// <summary>How a slot's process is started, watched and stopped on a node.</summary>
public interface IProcessManager
{
    /// <summary>Starts the release on the slot (stopping whatever stale process still held it), detached from the SSH session; returns its pid.</summary>
    Task<int> StartAsync(NodeSession node, string version, int port, CancellationToken cancellation);

    /// <summary>A shell command printing the slot's live pid (nothing when none; a zombie is not alive), for scripts that ask a node several things at once.</summary>
    string RunningPidCommand(NodeLayout layout, int port);

    /// <summary>SIGTERM, wait for exit, SIGKILL only after <paramref name="timeout"/>. Returns true when it had to kill.</summary>
    Task<bool> StopAsync(NodeSession node, int port, TimeSpan timeout, CancellationToken cancellation);
}
