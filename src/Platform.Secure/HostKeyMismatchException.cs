using Platform.Core;

namespace Platform.Secure;

/// <summary>The host presented a host key other than the one the inventory pins: the connection was refused.</summary>
public sealed class HostKeyMismatchException(string host, string endpoint, string expected, string actual)
    : PlatformException(
        $"Host key of '{host}' ({endpoint}) does not match the inventory: expected {expected}, got {actual}. " +
        "The connection was refused. If the host was rebuilt on purpose, re-run Apply to refresh the inventory; otherwise treat this as an attack.")
{
    public string Host { get; } = host;

    public string Expected { get; } = expected;

    public string Actual { get; } = actual;
}
