namespace Platform.Deploy;

/// <summary>Sends a line of HAProxy runtime API commands and returns HAProxy's answer.</summary>
public interface IRuntimeApiChannel
{
    Task<string> SendAsync(string commands, CancellationToken cancellation);
}
