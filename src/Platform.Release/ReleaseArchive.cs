using Platform.Core;

namespace Platform.Release;

/// <summary>
/// The tarballs of a release: tar compressed with zstd (<c>.tar.zst</c>). Every node unpacks the
/// release on every roll while it serves, and zstd unpacks the 20 MB native executable on about a
/// fifth of gzip's CPU (40 against 190 ms); level 9 is as small as gzip's best (8.4 against 9.1 MB)
/// and costs the packaging well under a second. Releases packaged earlier as <c>.tar.gz</c> are still
/// found, unpacked and deployed.
/// </summary>
public static class ReleaseArchive
{
    public const string Extension = ".tar.zst";

    public const string LegacyExtension = ".tar.gz";

    /// <summary>The tool both ends need: the operator packs with it, the nodes unpack with it.</summary>
    public const string Compressor = "zstd";

    /// <summary>tar's flag for a tarball's compression, from its name (tar cannot detect it on a stream).</summary>
    public static string TarFlag(string tarball) =>
        tarball.EndsWith(LegacyExtension, StringComparison.Ordinal) ? "--gzip" : "--zstd";

    /// <summary>
    /// Packs a folder's content into <paramref name="tarball"/> (zstd level 9), owned by root and readable
    /// by everyone whatever the operator's umask: the nodes unpack it as root, and a slot's service runs
    /// as a user of its own (DigitalOcean's systemd units), which must read and run it but not change it.
    /// </summary>
    public static async Task CreateAsync(string folder, string tarball, CommandRunner commands, CancellationToken cancellation = default) =>
        await commands.RunAsync("tar", [$"--use-compress-program={Compressor} -9 -q", "--owner=0", "--group=0", "--numeric-owner", "--mode=u+rwX,go+rX,go-w", "-cf", tarball, "-C", folder, "."], cancellation: cancellation);

    /// <summary>Unpacks a tarball (either format) into an existing folder, whose own mode it leaves as it is (an owner-only work folder stays so).</summary>
    public static async Task ExtractAsync(string tarball, string destination, CommandRunner commands, CancellationToken cancellation = default) =>
        await commands.RunAsync("tar", [TarFlag(tarball), "--no-overwrite-dir", "-xf", tarball, "-C", destination], cancellation: cancellation);
}
