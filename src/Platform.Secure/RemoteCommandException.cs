using Platform.Core;

namespace Platform.Secure;

/// <summary>A command on a host exited non-zero; the message names the host, the step and the end of stderr.</summary>
public sealed class RemoteCommandException(string host, string what, int exitCode, string tail)
    : PlatformException($"{host}: {what} failed (exit {exitCode})" + (tail.Length > 0 ? ": " + tail : "."))
{
    public string Host { get; } = host;

    public int ExitCode { get; } = exitCode;
}
