using System.Security.Cryptography;
using Platform.Core;

namespace Platform.Release;

/// <summary>
/// A packaged release: the tarball the nodes get (the service and its migrations), its checksum and
/// manifest, and the tarball of its smoke tests, which stays with the operator.
/// </summary>
public sealed record PackagedRelease(string Version, string Tarball, string Sha256, ReleaseManifest Manifest)
{
    /// <summary>The smoke tests' tarball and checksum; null for a release packaged with them inside <see cref="Tarball"/>.</summary>
    public (string Tarball, string Sha256)? Smoke { get; init; }
}

/// <summary>
/// The releases Package has built, in <c>artifacts/releases/</c>: <c>catalog-&lt;version&gt;.tar.zst</c>
/// (<c>app/</c>, <c>manifest.json</c>), <c>catalog-&lt;version&gt;-smoke.tar.zst</c> (<c>smoke/</c>), each
/// with its <c>.sha256</c>, and <c>catalog-&lt;version&gt;.manifest.json</c>. Releases packaged before
/// zstd (<c>.tar.gz</c>) are found too, so an upgrade of Platform can still deploy and roll back to them.
/// </summary>
public sealed class ReleaseStore(string directory)
{
    public string Directory => directory;

    /// <summary>Where Package writes a release's tarball.</summary>
    public string TarballPath(string version) => Stem(version) + ReleaseArchive.Extension;

    /// <summary>Where Package writes a release's smoke tests.</summary>
    public string SmokeTarballPath(string version) => Stem(version) + "-smoke" + ReleaseArchive.Extension;

    public string ManifestPath(string version) => Stem(version) + ".manifest.json";

    public bool Exists(string version) => Packed(Stem(version)) is not null && File.Exists(ManifestPath(version));

    /// <summary>Tarballs of the version in the format Package no longer writes (a forced rebuild removes them).</summary>
    public IEnumerable<string> LegacyFiles(string version) =>
        new[] { Stem(version), Stem(version) + "-smoke" }
            .Select(stem => stem + ReleaseArchive.LegacyExtension)
            .SelectMany(tarball => new[] { tarball, tarball + ".sha256" })
            .Where(File.Exists);

    private string Stem(string version) => Path.Combine(directory, $"{ReleaseManifest.Component}-{version}");

    // The tarball of a stem that exists with its checksum: zstd first, then the legacy gzip.
    private static string? Packed(string stem) =>
        new[] { ReleaseArchive.Extension, ReleaseArchive.LegacyExtension }
            .Select(extension => stem + extension)
            .FirstOrDefault(tarball => File.Exists(tarball) && File.Exists(tarball + ".sha256"));

    /// <summary>
    /// The contract migrations (file names) that any release kept here ships: what tells an applied
    /// migration's kind, which the database's journal does not keep. Unreadable manifests are skipped.
    /// </summary>
    public IReadOnlySet<string> KnownContractMigrations()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (!System.IO.Directory.Exists(directory))
        {
            return known;
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(directory, $"{ReleaseManifest.Component}-*.manifest.json"))
        {
            try
            {
                var manifest = ReleaseManifest.Parse(File.ReadAllText(file), file);
                known.UnionWith(manifest.ContractMigrationNames());
            }
            catch (PlatformException)
            {
                // Not a manifest Platform wrote: it names nothing.
            }
        }

        return known;
    }

    public PackagedRelease Find(string version)
    {
        ReleaseVersion.Validate(version);
        if (!Exists(version))
        {
            // Packaging now builds the current sources: release N only when they are N's (its tag checked out).
            throw new PlatformException($"No release {version} in {directory}. A release built before: restore its files there (catalog-{version}.*: the tarballs, their .sha256 and the manifest; CI keeps them as artifacts). A new one: build it with ./build.sh --target=Package --version={version}, from the sources of that release (for an older release, check out its tag first).");
        }

        var tarball = Packed(Stem(version))!;
        var smoke = Packed(Stem(version) + "-smoke");
        return new PackagedRelease(version, tarball, ReadSha256(tarball), ReleaseManifest.Parse(File.ReadAllText(ManifestPath(version)), ManifestPath(version)))
        {
            Smoke = smoke is null ? null : (smoke, ReadSha256(smoke)),
        };
    }

    /// <summary>Unpacks a release (<c>app/</c>, <c>manifest.json</c>) into <paramref name="destination"/> after checking its checksum.</summary>
    public Task<string> ExtractAsync(PackagedRelease release, string destination, CommandRunner commands, CancellationToken cancellation = default) =>
        ExtractCheckedAsync(release.Tarball, release.Sha256, destination, commands, cancellation);

    /// <summary>Unpacks a release's smoke tests (<c>smoke/</c>) into <paramref name="destination"/> after checking their checksum.</summary>
    public Task<string> ExtractSmokeAsync(PackagedRelease release, string destination, CommandRunner commands, CancellationToken cancellation = default) =>
        release.Smoke is { } smoke
            ? ExtractCheckedAsync(smoke.Tarball, smoke.Sha256, destination, commands, cancellation)
            : ExtractAsync(release, destination, commands, cancellation); // packaged before the split: smoke/ is inside

    /// <summary>Writes a tarball's <c>.sha256</c> beside it (the <c>sha256sum</c> format) and returns the checksum.</summary>
    public static async Task<string> WriteSha256Async(string tarball, CancellationToken cancellation = default)
    {
        var sha = await Sha256Async(tarball, cancellation);
        AtomicFile.WriteAllText(tarball + ".sha256", $"{sha}  {Path.GetFileName(tarball)}\n");
        return sha;
    }

    private static string ReadSha256(string tarball) => File.ReadAllText(tarball + ".sha256").Split(' ', 2)[0].Trim();

    /// <summary>
    /// A release's tarball, read once and checked against the checksum Package wrote, before it goes
    /// to any node: the nodes get exactly the bytes checked.
    /// </summary>
    public static async Task<byte[]> ReadVerifiedAsync(PackagedRelease release, CancellationToken cancellation = default)
    {
        var bytes = await File.ReadAllBytesAsync(release.Tarball, cancellation);
        Verify(release.Tarball, Convert.ToHexStringLower(SHA256.HashData(bytes)), release.Sha256);
        return bytes;
    }

    /// <summary>The files of the release (and of its smoke tests) that no longer match their checksums; empty when intact.</summary>
    public static async Task<IReadOnlyList<string>> DamagedFilesAsync(PackagedRelease release, CancellationToken cancellation = default)
    {
        var damaged = new List<string>();
        foreach (var (tarball, sha256) in new[] { (release.Tarball, release.Sha256) }.Concat(release.Smoke is { } smoke ? [smoke] : []))
        {
            if (await Sha256Async(tarball, cancellation) != sha256)
            {
                damaged.Add(tarball);
            }
        }

        return damaged;
    }

    private static async Task VerifyAsync(string tarball, string sha256, CancellationToken cancellation) =>
        Verify(tarball, await Sha256Async(tarball, cancellation), sha256);

    private static void Verify(string tarball, string actual, string expected)
    {
        if (actual != expected)
        {
            throw new PlatformException($"{tarball} does not match its checksum ({actual} != {expected}): the file is damaged or was altered. Package it again: Package rebuilds a damaged release from the same sources.");
        }
    }

    private static async Task<string> ExtractCheckedAsync(string tarball, string sha256, string destination, CommandRunner commands, CancellationToken cancellation)
    {
        await VerifyAsync(tarball, sha256, cancellation);
        System.IO.Directory.CreateDirectory(destination);
        await ReleaseArchive.ExtractAsync(tarball, destination, commands, cancellation);
        return destination;
    }

    public static async Task<string> Sha256Async(string file, CancellationToken cancellation = default)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellation));
    }
}
