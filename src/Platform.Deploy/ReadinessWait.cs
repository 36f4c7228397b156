using System.Globalization;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// Waits on the node itself for a slot's <c>/health/ready</c> to answer 200: one command that asks
/// every 5 ms with bash's own <c>/dev/tcp</c> (no process started per check) and watches the new
/// process in <c>/proc</c> meanwhile. Asking from Platform through a tunnel cost an SSH channel and
/// a connection per check, and at a 50 ms interval each node waited 25 ms on average for nothing.
/// </summary>
public static class ReadinessWait
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    /// <summary>True once ready; false when the process died or the timeout passed, with the reason.</summary>
    public static async Task<(bool Ready, string Detail)> UntilReadyAsync(NodeSession node, int port, int pid, TimeSpan timeout, CancellationToken cancellation)
    {
        var script = Script(node.Address, port, pid, timeout);
        var result = await node.Ssh.RunAsync("bash -c " + ShellQuote.Quote(script), cancellation, timeout + TimeSpan.FromSeconds(30));
        return Parse(result.StandardOutput, timeout);
    }

    // Prints "ready", "died", or "timeout" followed by the last status line seen (nothing: no answer).
    internal static string Script(string address, int port, int pid, TimeSpan timeout)
    {
        var checks = Math.Max(1, (int)(timeout.TotalMilliseconds / Interval.TotalMilliseconds));
        var host = $"{address}:{port.ToString(CultureInfo.InvariantCulture)}";
        return $$"""
            exec 2>/dev/null {tick}<> <(:)
            last=
            for ((i = 0; i < {{checks}}; i++)); do
              if exec {http}<>/dev/tcp/{{address}}/{{port.ToString(CultureInfo.InvariantCulture)}}; then
                printf 'GET /health/ready HTTP/1.0\r\nHost: {{host}}\r\nUser-Agent: Platform/1.0\r\n\r\n' >&$http
                status=; IFS= read -r -t 2 status <&$http; exec {http}>&-
                status=${status%$'\r'}
                case $status in *' 200 '*|*' 200') echo ready; exit 0;; esac
                last=$status
              fi
              if ((i % 20 == 0)); then
                s=; { read -r s; } 2>/dev/null < /proc/{{pid.ToString(CultureInfo.InvariantCulture)}}/stat; s=${s##*) }
                case ${s:0:1} in ''|Z|X) echo died; exit 0;; esac
              fi
              read -r -t {{Interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}} -u "$tick" || true
            done
            echo "timeout $last"
            """;
    }

    internal static (bool Ready, string Detail) Parse(string output, TimeSpan timeout)
    {
        var line = output.Trim();
        if (line == "ready")
        {
            return (true, "ready");
        }

        if (line == "died")
        {
            return (false, "died: the process exited before it was ready");
        }

        var last = line.StartsWith("timeout", StringComparison.Ordinal) ? line["timeout".Length..].Trim() : line;
        return (false, $"not ready after {timeout.TotalSeconds:0.#} s: {(last.Length == 0 ? "no answer" : last)}");
    }
}
