using Platform.Core;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// Puts a release on a node (the tarball streamed in and unpacked beside what runs) and keeps the
/// node's settings file (0600) as wanted; what the node already has is known from its
/// <see cref="NodeProbe"/>.
/// </summary>
public static class ReleaseUploader
{
    /// <summary>Streams the release's tarball (bytes already checked against its checksum) to the node and unpacks it there.</summary>
    public static async Task UploadAsync(NodeSession node, PackagedRelease release, byte[] tarball, CancellationToken cancellation)
    {
        using var content = new MemoryStream(tarball, writable: false);
        await node.RunScriptWithInputCheckedAsync(UnpackScript(node.Layout, release), content, $"uploading release {release.Version}", cancellation, TimeSpan.FromMinutes(30));
    }

    /// <summary>
    /// One command, so a node's upload is one round trip and unpacking overlaps the transfer: the
    /// tarball arrives on standard input straight into tar, and nothing is kept but the unpacked
    /// folder. Its integrity rests on the operator's check of the tarball against its checksum (once,
    /// before any upload), SSH's authenticated encryption on the way, and zstd's checksum of the
    /// content (gzip's CRC for legacy tarballs): hashing it again on every node cost each node a third
    /// of the upload's CPU while it serves. It is unpacked beside the release's folder and renamed into
    /// place only once complete, with its <c>release.sha256</c>: the node never has a partial release
    /// under the version's name. On failure the rest of the input is read and dropped, so that the
    /// reason reaches the operator rather than a broken pipe.
    /// </summary>
    internal static string UnpackScript(NodeLayout layout, PackagedRelease release)
    {
        var incoming = $"{layout.ReleasesDir}/.incoming-{Guid.NewGuid():N}";
        var flag = ReleaseArchive.TarFlag(release.Tarball);
        var tool = flag == "--zstd" ? "zstd" : "gzip";
        return $$"""
            in={{Q(incoming)}}; dest={{Q(layout.ReleaseDir(release.Version))}}
            trap 'rm -rf -- "$in" "$in.old"' EXIT
            fail() { echo "$1" >&2; cat > /dev/null; exit 1; }
            command -v {{tool}} > /dev/null || fail "{{tool}} is not installed on this node, and the release is compressed with it: install it (Debian/Ubuntu: apt-get install -y {{tool}})"
            mkdir -p {{Q(layout.ReleasesDir)}} && mkdir "$in" || fail "cannot create $in"
            # At a lower priority than what serves: unpacking must not slow the node's answers.
            nice -n 10 tar -x --no-same-owner {{flag}} -f - -C "$in" || fail "the release could not be unpacked (see above): the upload broke off or is not a {{Path.GetFileName(release.Tarball)}} as Package writes it"
            # Readable by everyone and changed by no one but its owner, however it was packed (a release packed
            # under a strict umask before Package set the modes): a slot's service may run as a user of its own.
            chmod -R u+rwX,go+rX,go-w "$in" || fail "cannot set the modes of $in"
            echo {{Q(release.Sha256)}} > "$in/release.sha256" || fail "cannot write $in/release.sha256"
            if [ -e "$dest" ]; then mv -T -- "$dest" "$in.old" || fail "cannot move the previous $dest aside"; fi
            # The previous copy goes back if the new one cannot take its place: the node keeps one or the other.
            mv -T -- "$in" "$dest" || { [ ! -e "$in.old" ] || mv -T -- "$in.old" "$dest"; fail "cannot move the release into $dest"; }
            """;
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

    /// <summary>Records that <paramref name="version"/> now runs on <paramref name="slot"/>: a Rollback's record notes the release it left.</summary>
    public static Task RecordRollAsync(NodeSession node, NodeRelease? current, string version, int slot, RollOptions options, CancellationToken cancellation) =>
        RecordAsync(node, NodeRelease.After(current, version, slot, DateTimeOffset.UtcNow, rollback: options.IsRollback), options.KeepReleases, cancellation);

    /// <summary>
    /// Writes the node's record (atomically: temp file and rename) and removes releases beyond the
    /// newest <paramref name="keep"/> (by the record's history), never one a slot runs. One command.
    /// </summary>
    public static async Task RecordAsync(NodeSession node, NodeRelease record, int keep, CancellationToken cancellation) =>
        await node.RunScriptCheckedAsync(RecordScript(node.Layout, record, keep), "recording the release and pruning old ones", cancellation);

    // The kept versions are separate shell words (quoted, so the shell removes the quotes), gathered
    // into one space-delimited string with those the slots run; everything else under releases/ goes.
    internal static string RecordScript(NodeLayout l, NodeRelease record, int keep)
    {
        var kept = new[] { record.Version }.Concat(record.Previous).Take(keep).Select(Q);
        return $$"""
            set -e
            tmp={{Q(l.BaseDir)}}/.current.json.$$.tmp
            printf '%s\n' {{Q(record.ToJson())}} > "$tmp"
            chmod 644 "$tmp"
            mv -f "$tmp" {{Q(l.CurrentFile)}}
            cd {{Q(l.ReleasesDir)}} 2>/dev/null || exit 0
            keep=' '
            for v in {{string.Join(" ", kept)}} $(cat {{Q(l.BaseDir)}}/slots/*/release 2>/dev/null); do keep+="$v "; done
            for d in */; do v=${d%/}; case "$keep" in *" $v "*) ;; *) rm -rf -- "$v" ;; esac; done
            # Uploads a run cut off left half-unpacked: under the deploy lock, no other upload is in flight here.
            rm -rf -- .incoming-*
            """;
    }

    private static string Q(string value) => ShellQuote.Quote(value);
}
