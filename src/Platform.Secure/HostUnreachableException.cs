using Platform.Core;

namespace Platform.Secure;

/// <summary>No SSH connection could be made to the host (refused, timed out): a step that can go on without it may say how.</summary>
public sealed class HostUnreachableException(string host, string message, Exception inner) : PlatformException(message, inner)
{
    public string Host { get; } = host;
}
