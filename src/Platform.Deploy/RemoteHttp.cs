using System.Globalization;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// HTTP checks run ON the node (over SSH, with bash's /dev/tcp), so they work where the slot ports
/// are firewalled from the operator's machine and need nothing installed on the node.
/// </summary>
public static class RemoteHttp
{
    private const string GetFunction = """
        get() { exec 3<>"/dev/tcp/$1/$2" 2>/dev/null || { echo "000"; return; }; printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$3" "$1" >&3; timeout 5 cat <&3; exec 3>&-; }
        """;

    /// <summary>The status code and body of a GET on the node (000 when nothing listens).</summary>
    public static async Task<(int Status, string Body)> GetAsync(NodeSession node, int port, string path, CancellationToken cancellation)
    {
        var result = await node.Ssh.RunAsync("bash -c " + ShellQuote.Quote($"{GetFunction}\nget {node.Address} {port} {ShellQuote.Quote(path)}"), cancellation, TimeSpan.FromSeconds(15));
        var text = result.StandardOutput.Replace("\r", string.Empty, StringComparison.Ordinal);
        if (text.StartsWith("000", StringComparison.Ordinal))
        {
            return (0, string.Empty);
        }

        var statusLine = text.Split('\n', 2)[0];
        var status = statusLine.Split(' ') is [_, var code, ..] && int.TryParse(code, out var c) ? c : 0;
        var bodyStart = text.IndexOf("\n\n", StringComparison.Ordinal);
        return (status, bodyStart < 0 ? string.Empty : text[(bodyStart + 2)..]);
    }

    /// <summary>
    /// Polls <c>/health/ready</c> every 100 ms on the node until it answers 200 (true), the process
    /// dies, or the timeout passes (false, with the reason).
    /// </summary>
    public static async Task<(bool Ready, string Detail)> WaitReadyAsync(NodeSession node, int port, int pid, TimeSpan timeout, CancellationToken cancellation)
    {
        var tenths = Math.Max(1, (int)(timeout.TotalMilliseconds / 100));
        var script = $$"""
            {{GetFunction}}
            last=""
            for i in $(seq 1 {{tenths}}); do
              s=$(sed -E 's/^[0-9]+ \(.*\) ([A-Z]).*/\1/' /proc/{{pid}}/stat 2>/dev/null || echo X)
              if [ "$s" = Z ] || [ "$s" = X ]; then echo "died: the process exited before it was ready"; exit 3; fi
              r=$(get {{node.Address}} {{port.ToString(CultureInfo.InvariantCulture)}} /health/ready | tr -d '\r')
              code=$(printf '%s' "$r" | head -1 | cut -d' ' -f2)
              [ "$code" = 200 ] && { echo ready; exit 0; }
              last=$(printf '%s' "$r" | tail -1)
              sleep 0.1
            done
            echo "not ready after {{timeout.TotalSeconds:0}} s: ${last:-no answer}"
            exit 2
            """;
        var result = await node.Ssh.RunAsync("bash -c " + ShellQuote.Quote(script), cancellation, timeout + TimeSpan.FromSeconds(30));
        return (result.Succeeded, result.StandardOutput.Trim());
    }
}
