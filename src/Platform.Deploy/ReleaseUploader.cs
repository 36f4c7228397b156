using Platform.Core;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// Puts a release on a node: uploads the tarball unless the same checksum is already
/// there, checks it, unpacks it; and keeps the node's settings file (0600) as wanted. What the
/// node has is known from its <see cref="NodeProbe"/>. Returns whether anything changed.
/// </summary>
public static class ReleaseUploader
{
    public static async Task<bool> EnsureReleaseAsync(NodeSession node, PackagedRelease release, NodeProbe probe, CancellationToken cancellation)
    {
        var l = node.Layout;
        var dir = l.ReleaseDir(release.Version);
        if (probe.ReleaseSha256 == release.Sha256)
        {
            return false;
        }

        await node.Ssh.RunCheckedAsync($"rm -rf {Q(dir)} && mkdir -p {Q(dir)}", "preparing the release folder", cancellation);
        await node.Ssh.UploadAsync(release.Tarball, l.Tarball(release.Version), UnixFileMode.UserRead | UnixFileMode.UserWrite, cancellation);
        var check = $$"""
            set -e
            actual=$(sha256sum {{Q(l.Tarball(release.Version))}} | cut -d' ' -f1)
            [ "$actual" = {{Q(release.Sha256)}} ] || { echo "checksum mismatch after upload: $actual" >&2; exit 1; }
            tar -xzf {{Q(l.Tarball(release.Version))}} -C {{Q(dir)}}
            echo {{Q(release.Sha256)}} > {{Q(l.Tarball(release.Version) + ".sha256")}}
            """;
        await node.RunScriptCheckedAsync(check, $"unpacking release {release.Version}", cancellation, TimeSpan.FromMinutes(2));
        return true;
    }

    /// <summary>Writes the service's settings file when its content differs (atomic, 0600).</summary>
    public static async Task<bool> EnsureEnvFileAsync(NodeSession node, string content, NodeProbe probe, CancellationToken cancellation)
    {
        if (probe.HasSettings(content))
        {
            return false;
        }

        await node.Ssh.RunCheckedAsync($"mkdir -p {Q(node.Layout.BaseDir)}", "creating the base folder", cancellation);
        await node.Ssh.WriteFileAtomicAsync(node.Layout.EnvFile, content, AtomicFile.OwnerOnly, cancellation);
        return true;
    }

    /// <summary>
    /// Writes the node's record (atomically: temp file and rename) and removes releases beyond the
    /// newest <paramref name="keep"/> (by the record's history), never one a slot runs. One command.
    /// </summary>
    public static async Task RecordAsync(NodeSession node, NodeRelease record, int keep, CancellationToken cancellation)
    {
        var l = node.Layout;
        var kept = new[] { record.Version }.Concat(record.Previous).Take(keep).Select(Q);
        var script = $$"""
            set -e
            tmp={{Q(l.BaseDir)}}/.current.json.$$.tmp
            printf '%s\n' {{Q(record.ToJson())}} > "$tmp"
            chmod 644 "$tmp"
            mv -f "$tmp" {{Q(l.CurrentFile)}}
            cd {{Q(l.ReleasesDir)}} 2>/dev/null || exit 0
            keep=" {{string.Join(" ", kept)}} $(cat {{Q(l.BaseDir)}}/slots/*/release 2>/dev/null | tr '\n' ' ') "
            for d in */; do v=${d%/}; case "$keep" in *" $v "*) ;; *) rm -rf -- "$v" ;; esac; done
            """;
        await node.RunScriptCheckedAsync(script, "recording the release and pruning old ones", cancellation);
    }

    private static string Q(string value) => ShellQuote.Quote(value);
}
