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

    /// <summary>The slot the node serves from: its record's, when that slot's process is alive.</summary>
    public int? ActiveSlot => Current is { } c && LivePids.ContainsKey(c.Slot) ? c.Slot : null;

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
        }

        // The checksum file of releases unpacked before the upload became one command is the tarball's, kept beside it.
        script.Append(CultureInfo.InvariantCulture, $"m=; {{ read -r m < {ShellQuote.Quote(layout.ReleaseChecksumFile(version))} || read -r m < {ShellQuote.Quote(layout.ReleaseDir(version) + "/catalog.tar.gz.sha256")}; }} 2>/dev/null; printf 'release %s\\n' \"$m\"\n");
        script.Append(CultureInfo.InvariantCulture, $"s=; [ -f {ShellQuote.Quote(layout.EnvFile)} ] && s=$(sha256sum < {ShellQuote.Quote(layout.EnvFile)}); printf 'settings %s\\n' \"${{s%% *}}\"\n");
        // read, not cat: one process less on a node that may be busy serving.
        script.Append(CultureInfo.InvariantCulture, $"echo {CurrentMarker}; c=; IFS= read -r -d '' c 2>/dev/null < {ShellQuote.Quote(layout.CurrentFile)}; printf '%s' \"$c\"\n");
        return script.ToString();
    }

    internal static NodeProbe Parse(string output)
    {
        var pids = new Dictionary<int, int>();
        string? release = null;
        string? settings = null;
        var lines = output.Split('\n');
        var i = 0;
        for (; i < lines.Length && lines[i] != CurrentMarker; i++)
        {
            var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (parts)
            {
                case ["slot", var port, var pid] when int.TryParse(port, CultureInfo.InvariantCulture, out var p) && int.TryParse(pid, CultureInfo.InvariantCulture, out var id):
                    pids[p] = id;
                    break;
                case ["release", var sha]:
                    release = sha;
                    break;
                case ["settings", var sha]:
                    settings = sha;
                    break;
            }
        }

        if (i == lines.Length)
        {
            throw new PlatformException($"The node's answer has no '{CurrentMarker}' line: {CommandRunner.Tail(output, 4)}");
        }

        return new NodeProbe(NodeRelease.Parse(string.Join('\n', lines.Skip(i + 1))), pids, release, settings);
    }
}
