using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// What an app node says about itself, asked in one command: its release record, the live process
/// of each slot, the checksum of the release it has unpacked for a version, and the checksum of its
/// settings file. A roll asks each node once and decides from the answer whether to upload, what
/// slot to use and whether the node is already done; one round trip instead of seven file reads.
/// </summary>
public sealed record NodeProbe(NodeRelease? Current, IReadOnlyDictionary<int, int> LivePids, string? ReleaseSha256, string? SettingsSha256)
{
    private const string CurrentMarker = "current:";
    private const string NoRecordLine = "record none";

    /// <summary>The slot the node serves from: its record's, when that slot's process is alive.</summary>
    public int? ActiveSlot => Current is { } c && LivePids.ContainsKey(c.Slot) ? c.Slot : null;

    /// <summary>
    /// Processes alive on the slots other than <paramref name="slot"/> (the one serving), each with what
    /// to say of it: N+1 left by a run that died before it switched, or N one that died before it stopped.
    /// </summary>
    public IEnumerable<(int Port, string What)> RunningBeside(int slot) =>
        LivePids.Where(p => p.Key != slot).OrderBy(p => p.Key).Select(p =>
            (p.Key, $"{(SlotReleases.TryGetValue(p.Key, out var release) ? release : "a process")} still runs on idle port {p.Key} (pid {p.Value})"));

    /// <summary>The node has a record that cannot be read (<see cref="NodeRelease.IsDamaged"/>): <see cref="Current"/> is null for it.</summary>
    public bool RecordDamaged { get; init; }

    /// <summary>The release each slot was last started with (<c>slots/&lt;port&gt;/release</c>), for the slots that have one.</summary>
    public IReadOnlyDictionary<int, string> SlotReleases { get; init; } = new Dictionary<int, string>();

    /// <summary>
    /// The probe with its record checked against HAProxy. The record is written after traffic moved,
    /// so a run that ended in between (killed, its connection lost) leaves a record naming the slot
    /// HAProxy drained, and a roll going by it would take the slot that serves for its idle one. When
    /// the record's slot is not alive or out of the pool while exactly one other slot is alive, in the
    /// pool and known to run a release, that slot is the active one: the probe comes back with a record
    /// saying so and <paramref name="correction"/> says why. (The roll then rolls that node, even to the
    /// version it serves: that slot took traffic unrecorded, perhaps before passing its check.)
    /// </summary>
    /// <param name="stats">HAProxy's servers (those of other nodes are ignored).</param>
    public NodeProbe ReconciledWith(NodeLayout layout, IEnumerable<ServerStat> stats, DateTimeOffset now, out string? correction)
    {
        var servers = stats.ToList();
        bool? InPool(int slot) => servers.FirstOrDefault(s => s.Server == layout.ServerName(slot)) is { } stat ? !(stat.IsMaintenance || stat.IsDraining) : null;
        return ReconciledWith(InPool, now, out correction);
    }

    /// <param name="inPool">Per slot: true when HAProxy sends it traffic (not in maintenance, not draining), false when not, null when HAProxy has no such server.</param>
    public NodeProbe ReconciledWith(Func<int, bool?> inPool, DateTimeOffset now, out string? correction)
    {
        correction = null;
        if (ActiveSlot is { } running && Current is { } record && SlotReleases.TryGetValue(running, out var runs) && runs != record.Version)
        {
            // The recorded slot runs another release than recorded: a restart roll that failed after replacing the process in place.
            // That release failed where it stands: a Rollback passes over it, as over one an earlier Rollback left,
            // rather than going back to a release that never served once a roll has brought the node back.
            correction = $"its record says {record.Version} on {running}, but {runs} runs there (a roll that replaced the process in place and failed). Going by what runs; a Rollback passes over {runs}";
            var reconciled = NodeRelease.After(record, runs, running, now);
            return this with { Current = reconciled with { RolledBackFrom = [runs, .. (reconciled.RolledBackFrom ?? []).Where(v => v != runs).Take(4)] } };
        }

        if (ActiveSlot is { } active && inPool(active) != false)
        {
            return this;
        }

        var serving = LivePids.Keys.Where(p => p != ActiveSlot && inPool(p) == true && SlotReleases.ContainsKey(p)).ToList();
        if (serving is not [var slot])
        {
            return this;
        }

        var version = SlotReleases[slot];
        var recorded = Current is { } c
            ? $"its record says {c.Version} on {c.Slot}{(ActiveSlot is null ? " (not running)" : " (out of HAProxy's pool)")}"
            : RecordDamaged ? "its record cannot be read" : "it has no record";
        var why = Current is null ? string.Empty : ": an earlier run ended between its switch and its record";
        correction = $"{recorded}, but HAProxy sends its traffic to {slot}, which runs {version}{why}. Going by HAProxy";
        return this with { Current = NodeRelease.After(Current, version, slot, now) };
    }

    public static async Task<NodeProbe> ReadAsync(NodeSession node, IProcessManager processes, IReadOnlyList<int> slots, string version, CancellationToken cancellation)
    {
        var output = await node.RunScriptCheckedAsync(Script(node.Layout, processes, slots, version), "reading what the node runs", cancellation);
        return Parse(output);
    }

    /// <summary>True when the node's settings file holds exactly <paramref name="content"/> (compared by checksum: the file holds a password).</summary>
    public bool HasSettings(string content) => SettingsSha256 == Sha256Hex(content);

    internal static string Sha256Hex(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    // Key/value lines first, the record last (it is JSON and may span lines).
    internal static string Script(NodeLayout layout, IProcessManager processes, IReadOnlyList<int> slots, string version)
    {
        var script = new StringBuilder();
        foreach (var port in slots)
        {
            // Not inside $(...): bash mis-parses the ')' of case patterns there. A group, not a subshell: no fork.
            script.Append(CultureInfo.InvariantCulture, $"printf 'slot {port} '; {{ {processes.RunningPidCommand(layout, port)}\n}}; echo\n");
            script.Append(CultureInfo.InvariantCulture, $"r=; {{ read -r r < {ShellQuote.Quote(layout.SlotReleaseFile(port))}; }} 2>/dev/null; printf 'slotrelease {port} %s\\n' \"$r\"\n");
        }

        // The checksum file of releases unpacked before the upload became one command is the tarball's, kept beside it.
        script.Append(CultureInfo.InvariantCulture, $"m=; {{ read -r m < {ShellQuote.Quote(layout.ReleaseChecksumFile(version))} || read -r m < {ShellQuote.Quote(layout.ReleaseDir(version) + "/catalog.tar.gz.sha256")}; }} 2>/dev/null; printf 'release %s\\n' \"$m\"\n");
        script.Append(CultureInfo.InvariantCulture, $"s=; [ -f {ShellQuote.Quote(layout.EnvFile)} ] && s=$(sha256sum < {ShellQuote.Quote(layout.EnvFile)}); printf 'settings %s\\n' \"${{s%% *}}\"\n");
        // read, not cat: one process less on a node that may be busy serving. A missing record (never
        // rolled) is said apart from an empty one (a disk that filled up while it was written): damage.
        var current = ShellQuote.Quote(layout.CurrentFile);
        script.Append(CultureInfo.InvariantCulture, $"[ -e {current} ] || echo '{NoRecordLine}'\n");
        script.Append(CultureInfo.InvariantCulture, $"echo {CurrentMarker}; c=; IFS= read -r -d '' c 2>/dev/null < {current}; printf '%s' \"$c\"\n");
        return script.ToString();
    }

    internal static NodeProbe Parse(string output)
    {
        var pids = new Dictionary<int, int>();
        var slotReleases = new Dictionary<int, string>();
        string? release = null;
        string? settings = null;
        var lines = output.Split('\n');
        var noRecord = false;
        var i = 0;
        for (; i < lines.Length && lines[i] != CurrentMarker; i++)
        {
            var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (parts)
            {
                case ["slot", var port, var pid] when int.TryParse(port, CultureInfo.InvariantCulture, out var p) && int.TryParse(pid, CultureInfo.InvariantCulture, out var id):
                    pids[p] = id;
                    break;
                case ["slotrelease", var port, var version] when int.TryParse(port, CultureInfo.InvariantCulture, out var p):
                    slotReleases[p] = version;
                    break;
                case ["release", var sha]:
                    release = sha;
                    break;
                case ["settings", var sha]:
                    settings = sha;
                    break;
                case ["record", "none"]:
                    noRecord = true;
                    break;
            }
        }

        if (i == lines.Length)
        {
            throw new PlatformException($"The node's answer has no '{CurrentMarker}' line: {CommandRunner.Tail(output, 4)}");
        }

        var record = noRecord ? null : string.Join('\n', lines.Skip(i + 1));
        return new NodeProbe(NodeRelease.Parse(record), pids, release, settings) { SlotReleases = slotReleases, RecordDamaged = NodeRelease.IsDamaged(record) };
    }
}
