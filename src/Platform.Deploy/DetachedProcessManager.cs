using System.Globalization;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// Local hosts: the service runs as a plain process started over SSH with <c>setsid</c> and every
/// standard stream redirected (otherwise the SSH command would wait for it), a pid file per slot
/// and a log file per release. Liveness reads <c>/proc/&lt;pid&gt;/stat</c>: a killed process can
/// linger as a zombie that <c>kill -0</c> still reports alive.
/// </summary>
public sealed class DetachedProcessManager : IProcessManager
{
    // Sets $pid to the pid in the pid file and succeeds when that process is alive, not a zombie, and
    // the one started (the file holds its start time, field 22 of /proc/<pid>/stat: after a reboot or a
    // crash a pid is reused, and a stop must never signal an unrelated process). Pid files written
    // before the start time was kept hold the pid alone and are matched by pid.
    // Shell builtins only: the stop loop runs it every 5 ms, and a fork per check adds up on a busy node.
    private const string AliveFunction = """
        alive() { pid=; local s= started= f; { read -r pid started; } 2>/dev/null < "$1"; [[ $pid =~ ^[0-9]+$ ]] || return 1; { read -r s; } 2>/dev/null < "/proc/$pid/stat"; s=${s##*) }; case ${s:0:1} in ''|Z|X) return 1;; esac; f=($s); [[ -z $started || $started == "${f[19]}" ]]; }
        """;

    public async Task<int> StartAsync(NodeSession node, string version, int port, CancellationToken cancellation)
    {
        var l = node.Layout;
        var app = l.AppDir(version);
        var script = $$"""
            {{StopScript(node, port, TimeSpan.FromSeconds(10))}} >/dev/null
            # Still taken once the slot's own process is stopped: a process its pid file does not name (a lost
            # or damaged pid file). It would answer the readiness checks for the new one, which cannot bind.
            if (exec 3<>/dev/tcp/{{node.Address}}/{{port}}) 2>/dev/null; then
              echo "port {{port}} on {{node.Address}} is taken by a process that {{l.PidFile(port)}} does not name: stop it (ss -ltnp 'sport = :{{port}}' on the node shows it), then run again" >&2
              exit 3
            fi
            set -e
            [ -d {{Q(l.SlotDir(port))}} ] && [ -d {{Q(l.BaseDir + "/logs")}} ] || mkdir -p {{Q(l.SlotDir(port))}} {{Q(l.BaseDir + "/logs")}}
            # One log per start: the previous run of this release on this slot is kept as .1.
            log={{Q(l.LogFile(version, port))}}
            [ -f "$log" ] && mv -f "$log" "$log.1"
            cd {{Q(app)}}
            CATALOG_ENV_FILE={{Q(l.EnvFile)}} ASPNETCORE_URLS={{Q($"http://{node.Address}:{port}")}} DOTNET_NOLOGO=1 \
              setsid {{Q(app + "/Catalog.Service")}} >>"$log" 2>&1 </dev/null &
            p=$!; s=; { read -r s; } 2>/dev/null < "/proc/$p/stat" || true; s=${s##*) }; f=($s)
            echo "$p ${f[19]}" > {{Q(l.PidFile(port))}}
            echo {{Q(version)}} > {{Q(l.SlotReleaseFile(port))}}
            echo $p
            """;
        var output = await node.RunScriptCheckedAsync(script, $"starting {version} on port {port}", cancellation, TimeSpan.FromSeconds(30));
        return int.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the pid file and <c>/proc/&lt;pid&gt;/stat</c> with shell builtins: no process started to ask.</summary>
    public string RunningPidCommand(NodeLayout layout, int port) => $$"""
        { {{AliveFunction}}
        alive {{Q(layout.PidFile(port))}} && echo "$pid"; true; }
        """;

    public async Task<bool> StopAsync(NodeSession node, int port, TimeSpan timeout, CancellationToken cancellation)
    {
        var output = await node.RunScriptCheckedAsync(StopScript(node, port, timeout), $"stopping port {port}", cancellation, timeout + TimeSpan.FromSeconds(15));
        return output.Trim().EndsWith("killed", StringComparison.Ordinal);
    }

    // SIGTERM, wait up to the timeout, then SIGKILL; prints "stopped" or "killed". A subshell, so a
    // start can run it first (a stale process from an earlier failed roll never blocks the slot).
    private static string StopScript(NodeSession node, int port, TimeSpan timeout)
    {
        // Checked every 5 ms, builtins only (the wait is a read that times out on a pipe nobody writes):
        // the stop of the last node ends the roll, and a busy node should not fork to wait.
        var steps = Math.Max(1, (int)(timeout.TotalMilliseconds / 5));
        return $$"""
            (
            {{AliveFunction}}
            pidfile={{Q(node.Layout.PidFile(port))}}
            stopped() { [ ! -e "$pidfile" ] || rm -f "$pidfile"; echo "$1"; exit 0; }
            alive "$pidfile" || stopped stopped
            p=$pid
            kill -TERM "$p" 2>/dev/null || true
            exec {tick}<> <(:)
            for ((i = 0; i < {{steps}}; i++)); do alive "$pidfile" || stopped stopped; read -r -t 0.005 -u "$tick" || true; done
            kill -KILL "$p" 2>/dev/null || true
            stopped killed
            )
            """;
    }

    private static string Q(string value) => ShellQuote.Quote(value);
}
