namespace Platform.Core;

/// <summary>Quotes values for a POSIX shell command line run on a remote host.</summary>
public static class ShellQuote
{
    /// <summary>Wraps in single quotes; embedded single quotes become <c>'\''</c>.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
