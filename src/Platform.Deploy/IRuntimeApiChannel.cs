namespace Platform.Deploy;

/// <summary>Sends HAProxy runtime API commands, in order, and returns HAProxy's answers (concatenated).</summary>
public interface IRuntimeApiChannel
{
    Task<string> SendAsync(IReadOnlyList<string> commands, CancellationToken cancellation);
}
