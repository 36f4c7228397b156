using System.Globalization;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>What a slot's log on the node says: its error count (the roll's check, Verify's compliance) and its tail (for a failure's message).</summary>
public static class NodeLog
{
    /// <summary>Error-level JSON log lines of a slot's current log (the service logs one JSON object per line), counted on the node.</summary>
    public static async Task<int> ErrorCountAsync(NodeSession node, string version, int port, CancellationToken token)
    {
        // grep -c prints 0 and exits 1 when nothing matches; a missing log counts as no error.
        var result = await node.Ssh.RunAsync($"grep -cE '\"LogLevel\":\"(Error|Critical)\"' {ShellQuote.Quote(node.Layout.LogFile(version, port))} 2>/dev/null", token);
        return int.TryParse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture, out var count) ? count : 0;
    }

    /// <summary>The slot's last log lines, indented under a heading, to follow an error message (empty: no log).</summary>
    public static async Task<string> TailAsync(NodeSession node, string version, int port, CancellationToken token)
    {
        var tail = await node.Ssh.RunAsync($"tail -n 5 {ShellQuote.Quote(node.Layout.LogFile(version, port))}", token);
        return tail.StandardOutput.Trim().Length == 0 ? string.Empty : $"{Environment.NewLine}  last log lines:{Environment.NewLine}  {tail.StandardOutput.Trim().Replace("\n", "\n  ", StringComparison.Ordinal)}";
    }
}
