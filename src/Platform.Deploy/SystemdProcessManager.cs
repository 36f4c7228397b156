using System.Globalization;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// Servers (inventory <c>processManager: systemd</c>): one templated unit per slot,
/// <c>catalog@&lt;port&gt;.service</c>, installed by cloud-init (infra/digitalocean/cloud-init.yaml).
/// Each slot's unit reads <c>/etc/catalog/slot-&lt;port&gt;.env</c>, which names the release folder
/// and URL; systemd stops with SIGTERM and sends SIGKILL only after its TimeoutStopSec.
/// </summary>
public sealed class SystemdProcessManager : IProcessManager
{
    public async Task<int> StartAsync(NodeSession node, string version, int port, CancellationToken cancellation)
    {
        var unit = Unit(port);
        var slotEnv = $"CATALOG_APP={node.Layout.AppDir(version)}\nCATALOG_ENV_FILE={node.Layout.EnvFile}\nASPNETCORE_URLS=http://{node.Address}:{port.ToString(CultureInfo.InvariantCulture)}\n";
        await node.Ssh.RunCheckedAsync("mkdir -p /etc/catalog && " + LogScript(node.Layout, version, port), "preparing the slot's settings folder and log", cancellation);
        await node.Ssh.WriteFileAtomicAsync($"/etc/catalog/slot-{port.ToString(CultureInfo.InvariantCulture)}.env", slotEnv, AtomicFile.Readable, cancellation);
        await node.Ssh.WriteFileAtomicAsync(node.Layout.SlotReleaseFile(port), version + "\n", AtomicFile.Readable, cancellation);
        await node.Ssh.RunCheckedAsync($"systemctl restart {unit}", $"starting {unit}", cancellation, TimeSpan.FromSeconds(60));
        return await RunningPidAsync(node, port, cancellation) ?? throw new PlatformException($"{node.Name}: {unit} did not stay running; see journalctl -u {unit}.");
    }

    /// <summary>
    /// The unit appends to <c>logs/catalog-&lt;port&gt;.log</c> (systemd opens it, as root, before the slot's own user
    /// runs): made a link to this start's <see cref="NodeLayout.LogFile"/>, the one the roll's checks and Verify read,
    /// with the previous run of this release on this slot kept as <c>.1</c> (as the local environment does).
    /// </summary>
    internal static string LogScript(NodeLayout layout, string version, int port)
    {
        var log = layout.LogFile(version, port);
        var link = $"{layout.BaseDir}/logs/catalog-{port.ToString(CultureInfo.InvariantCulture)}.log";
        return $"mkdir -p {Q(layout.BaseDir + "/logs")} && if [ -f {Q(log)} ]; then mv -f {Q(log)} {Q(log + ".1")}; fi && ln -sfn {Q(Path.GetFileName(log))} {Q(link)}";
    }

    private static string Q(string value) => ShellQuote.Quote(value);

    private async Task<int?> RunningPidAsync(NodeSession node, int port, CancellationToken cancellation)
    {
        var result = await node.Ssh.RunAsync(RunningPidCommand(node.Layout, port), cancellation);
        return result.Succeeded && int.TryParse(result.StandardOutput.Trim(), out var pid) && pid > 0 ? pid : null;
    }

    // systemd reports MainPID 0 for a unit that does not run.
    public string RunningPidCommand(NodeLayout layout, int port) =>
        $"p=$(systemctl show -p MainPID --value {Unit(port)} 2>/dev/null); [ \"${{p:-0}}\" = 0 ] || echo \"$p\"; true";

    public async Task<bool> StopAsync(NodeSession node, int port, TimeSpan timeout, CancellationToken cancellation)
    {
        var unit = Unit(port);
        await node.Ssh.RunCheckedAsync($"systemctl stop {unit}", $"stopping {unit}", cancellation, timeout + TimeSpan.FromSeconds(30));
        var result = await node.Ssh.RunAsync($"systemctl show -p Result --value {unit}", cancellation);
        return result.StandardOutput.Trim() == "timeout";
    }

    private static string Unit(int port) => $"catalog@{port.ToString(CultureInfo.InvariantCulture)}.service";
}
