using System.Globalization;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// Waits on the node itself for a slot's <c>/health/ready</c> to answer 200: one command that asks
/// with bash's own <c>/dev/tcp</c> (no process started per check) and watches the new process in
/// <c>/proc</c> meanwhile. It asks every 5 ms for the first second (a start takes about 0.1 s), then
/// every 50 ms: a release that never gets ready is not asked 200 times a second. Asking from
/// Platform through a tunnel cost an SSH channel and a connection per check, and at a 50 ms interval
/// each node waited 25 ms on average for nothing.
/// </summary>
public static class ReadinessWait
{
    private static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan QuickFor = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LbGrace = TimeSpan.FromSeconds(5);

    /// <summary>True once ready; false when the process died or the timeout passed, with the reason.</summary>
    public static Task<(bool Ready, string Detail)> UntilReadyAsync(NodeSession node, int port, int pid, TimeSpan timeout, CancellationToken cancellation) =>
        AskAsync(node, node.Address, port, pid, timeout, cancellation);

    /// <summary>
    /// The same question asked from another host (the load balancer): whether the slot is ready as
    /// seen from there, through whatever lies between (a firewall that lets the node ask itself but not
    /// the lb would otherwise only show once HAProxy sends it traffic). No process to watch there.
    /// </summary>
    private static Task<(bool Ready, string Detail)> ReadyFromAsync(NodeSession from, string address, int port, TimeSpan timeout, CancellationToken cancellation) =>
        AskAsync(from, address, port, null, timeout, cancellation);

    /// <summary>
    /// Ready on the node and as seen from the lb host, both asked at once (no longer than the node's
    /// own wait): a slot the node reaches but the lb cannot (a port closed between them) would take
    /// traffic and fail it.
    /// </summary>
    public static async Task<(bool Ready, string Detail)> UntilReadyForLbAsync(NodeSession node, NodeSession lb, int port, int pid, TimeSpan timeout, CancellationToken cancellation)
    {
        using var fromLb = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // A few seconds more than the node's own wait: a node ready at its deadline still gets asked from the lb.
        var seen = ReadyFromAsync(lb, node.Address, port, timeout + LbGrace, fromLb.Token);
        var (ready, detail) = await UntilReadyAsync(node, port, pid, timeout, cancellation);
        if (!ready)
        {
            // Not waited for: the lb's command notices the cancellation at its next dot (up to a second), and the
            // node's failure is known now. Its end is still observed.
            await fromLb.CancelAsync();
            _ = seen.ContinueWith(t => t.Exception, TaskScheduler.Default);
            return (false, detail);
        }

        string why;
        try
        {
            (var reached, why) = await seen;
            if (reached)
            {
                return (true, "ready");
            }
        }
        catch (PlatformException ex) when (ex.InnerException is Renci.SshNet.Common.SshException)
        {
            // Platform's own connection to the lb host broke: nothing is known of the port between them.
            return (false, $"ready on the node, but the load balancer ({lb.Name}) could not be asked whether it reaches it: {ex.Message}");
        }
        catch (PlatformException ex)
        {
            // A connection that hangs (a firewall dropping packets) outlasts the script: its command timed out.
            why = ex.Message;
        }

        return (false, $"ready on the node, but not as seen from the load balancer ({lb.Name}), which would fail what it sends there: {why}. Is port {port} open from the lb to {node.Address}?");
    }

    private static async Task<(bool Ready, string Detail)> AskAsync(NodeSession on, string address, int port, int? pid, TimeSpan timeout, CancellationToken cancellation)
    {
        // From the lb, no process to watch: a connection that hangs is cut by the command's timeout soon after the wait's.
        var commandTimeout = timeout + (pid is null ? LbGrace : TimeSpan.FromSeconds(30));
        var result = await on.RunScriptAsync(Script(address, port, pid, timeout), cancellation, commandTimeout);
        return Parse(result.StandardOutput, timeout);
    }

    // Prints "ready", "died", or "timeout" followed by the last answer's status and body (nothing: no answer;
    // a check cut short by the deadline does not erase the answer before it),
    // after a dot every 20 checks: when Platform has gone (Ctrl+C closes the channel), that write fails
    // and ends the loop (SIGPIPE may be ignored, so the failed write is checked too).
    internal static string Script(string address, int port, int? pid, TimeSpan timeout)
    {
        var (quick, slow) = Checks(timeout);
        var host = $"{address}:{port.ToString(CultureInfo.InvariantCulture)}";
        string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        // The deadline is wall-clock (EPOCHREALTIME, in microseconds): a slot that accepts and never
        // answers must not stretch the wait, so each read waits at most 2 s, and near the end only what
        // is left (but 0.2 s at least: a status line cut short by a timeout is no answer).
        // Without EPOCHREALTIME (bash < 5) the count of checks bounds the wait, as before.
        return $$"""
            exec 2>/dev/null {tick}<> <(:)
            last=
            clock() { now=${EPOCHREALTIME:-0}; now=${now/[.,]/}; }
            clock; deadline=$((now + {{(long)timeout.TotalMicroseconds}}))
            for ((i = 0; i < {{Math.Max(1, quick + slow)}}; i++)); do
              clock; left=$((deadline - now)); ((left > 2000000 || now == 0)) && left=2000000; ((left < 200000)) && left=200000
              printf -v rt '%d.%06d' $((left / 1000000)) $((left % 1000000))
              if exec {http}<>/dev/tcp/{{address}}/{{port.ToString(CultureInfo.InvariantCulture)}}; then
                printf 'GET /health/ready HTTP/1.0\r\nHost: {{host}}\r\nUser-Agent: Platform/1.0\r\n\r\n' >&$http
                status=; rest=; IFS= read -r -t $rt status <&$http || status=
                status=${status%$'\r'}
                case $status in *' 200 '*|*' 200') echo ready; exit 0;; esac
                IFS= read -r -d '' -t $rt rest <&$http; exec {http}>&-
                rest=${rest#*$'\r\n\r\n'}; rest=${rest//[$'\r\n']/ }
                [[ -n $status ]] && last="${status#HTTP/* } $rest"
              fi
              {{(pid is { } p ? $$"""s=; { read -r s; } < /proc/{{p.ToString(CultureInfo.InvariantCulture)}}/stat; s=${s##*) }; case ${s:0:1} in ''|Z|X) echo died; exit 0;; esac""" : ":")}}
              if ((i % 20 == 0)); then printf . || exit 0; fi
              clock; ((now == 0 || now < deadline)) || break
              if ((i < {{quick}})); then wait={{Seconds(Quick)}}; else wait={{Seconds(Slow)}}; fi
              read -r -t $wait -u "$tick" || true
            done
            echo "timeout $last"
            """;
    }

    /// <summary>How many checks the wait makes at most: quick ones (every 5 ms) for the first second, slow ones (every 50 ms) after.</summary>
    internal static (int Quick, int Slow) Checks(TimeSpan timeout)
    {
        var quick = (int)(Math.Min(timeout.TotalMilliseconds, QuickFor.TotalMilliseconds) / Quick.TotalMilliseconds);
        var slow = (int)Math.Max(0, (timeout.TotalMilliseconds - (quick * Quick.TotalMilliseconds)) / Slow.TotalMilliseconds);
        return (quick, slow);
    }

    internal static (bool Ready, string Detail) Parse(string output, TimeSpan timeout)
    {
        var line = output.Trim().TrimStart('.');
        if (line == "ready")
        {
            return (true, "ready");
        }

        if (line == "died")
        {
            // A release's files are checked when they arrive, not at each start: one damaged on the node since then
            // dies here, and Stage and RollNode take it as there.
            return (false, "died: the process exited before it was ready (if its log says the release's files are damaged, remove that release's folder under releases/ on the node: the next roll uploads it anew)");
        }

        var last = line.StartsWith("timeout", StringComparison.Ordinal) ? line["timeout".Length..].Trim() : line;
        return (false, $"not ready after {timeout.TotalSeconds:0.#} s: {(last.Length == 0 ? "no answer" : last)}");
    }
}
