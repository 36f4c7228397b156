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
    // Prints the pid in the pid file when that process is alive and not a zombie; exits 1 otherwise.
    private const string AliveFunction = """
        alive() { p=$(cat "$1" 2>/dev/null | tr -dc 0-9); [ -n "$p" ] && [ -r /proc/$p/stat ] || return 1; s=$(sed -E 's/^[0-9]+ \(.*\) ([A-Z]).*/\1/' /proc/$p/stat); [ "$s" != Z ] && [ "$s" != X ] && echo $p; }
        """;

    public async Task<int> StartAsync(NodeSession node, string version, int port, CancellationToken cancellation)
    {
        var l = node.Layout;
        var app = l.AppDir(version);
        var script = $$"""
            set -e
            mkdir -p {{Q(l.SlotDir(port))}} {{Q(l.BaseDir + "/logs")}}
            # One log per start: the previous run of this release on this slot is kept as .1.
            log={{Q(l.LogFile(version, port))}}
            [ -f "$log" ] && mv -f "$log" "$log.1"
            cd {{Q(app)}}
            CATALOG_ENV_FILE={{Q(l.EnvFile)}} ASPNETCORE_URLS={{Q($"http://{node.Address}:{port}")}} DOTNET_NOLOGO=1 \
              setsid dotnet {{Q(app + "/Catalog.Service.dll")}} >>"$log" 2>&1 </dev/null &
            echo $! > {{Q(l.PidFile(port))}}
            echo {{Q(version)}} > {{Q(l.SlotReleaseFile(port))}}
            echo $!
            """;
        var output = await node.Ssh.RunCheckedAsync("bash -c " + ShellQuote.Quote(script), $"starting {version} on port {port}", cancellation, TimeSpan.FromSeconds(30));
        return int.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    public async Task<int?> RunningPidAsync(NodeSession node, int port, CancellationToken cancellation)
    {
        var result = await node.Ssh.RunAsync("bash -c " + ShellQuote.Quote($"{AliveFunction}\nalive {Q(node.Layout.PidFile(port))}"), cancellation, TimeSpan.FromSeconds(15));
        return result.Succeeded && int.TryParse(result.StandardOutput.Trim(), out var pid) ? pid : null;
    }

    public async Task<bool> StopAsync(NodeSession node, int port, TimeSpan timeout, CancellationToken cancellation)
    {
        var tenths = Math.Max(1, (int)(timeout.TotalMilliseconds / 100));
        var script = $$"""
            {{AliveFunction}}
            pidfile={{Q(node.Layout.PidFile(port))}}
            p=$(alive "$pidfile") || { rm -f "$pidfile"; echo stopped; exit 0; }
            kill -TERM "$p" 2>/dev/null || true
            for i in $(seq 1 {{tenths}}); do alive "$pidfile" >/dev/null || { rm -f "$pidfile"; echo stopped; exit 0; }; sleep 0.1; done
            kill -KILL "$p" 2>/dev/null || true
            rm -f "$pidfile"
            echo killed
            """;
        var output = await node.Ssh.RunCheckedAsync("bash -c " + ShellQuote.Quote(script), $"stopping port {port}", cancellation, timeout + TimeSpan.FromSeconds(15));
        return output.Trim() == "killed";
    }

    private static string Q(string value) => ShellQuote.Quote(value);
}
