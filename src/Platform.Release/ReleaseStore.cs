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
/// The releases Package has built, in <c>artifacts/releases/</c>: <c>catalog-&lt;version&gt;.tar.gz</c>
/// (<c>app/</c>, <c>manifest.json</c>), <c>catalog-&lt;version&gt;-smoke.tar.gz</c> (<c>smoke/</c>), each
/// with its <c>.sha256</c>, and <c>catalog-&lt;version&gt;.manifest.json</c>.
/// </summary>
public sealed class ReleaseStore(string directory)
{
    public string Directory => directory;

    public string TarballPath(string version) => Path.Combine(directory, $"{ReleaseManifest.Component}-{version}.tar.gz");

    public string SmokeTarballPath(string version) => Path.Combine(directory, $"{ReleaseManifest.Component}-{version}-smoke.tar.gz");

    public string ManifestPath(string version) => Path.Combine(directory, $"{ReleaseManifest.Component}-{version}.manifest.json");

    public bool Exists(string version) => File.Exists(TarballPath(version)) && File.Exists(TarballPath(version) + ".sha256") && File.Exists(ManifestPath(version));

    public PackagedRelease Find(string version)
    {
        ReleaseVersion.Validate(version);
        if (!Exists(version))
        {
            throw new PlatformException($"No release {version} in {directory}. Build it first: ./build.sh --target=Package --version={version}.");
        }

        var tarball = TarballPath(version);
        var smoke = SmokeTarballPath(version);
        return new PackagedRelease(version, tarball, ReadSha256(tarball), ReleaseManifest.Parse(File.ReadAllText(ManifestPath(version)), ManifestPath(version)))
        {
            Smoke = File.Exists(smoke) && File.Exists(smoke + ".sha256") ? (smoke, ReadSha256(smoke)) : null,
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

    private static async Task<string> ExtractCheckedAsync(string tarball, string sha256, string destination, CommandRunner commands, CancellationToken cancellation)
    {
        var actual = await Sha256Async(tarball, cancellation);
        if (actual != sha256)
        {
            throw new PlatformException($"{tarball} does not match its checksum ({actual} != {sha256}): the file is damaged or was altered. Package it again.");
        }

        System.IO.Directory.CreateDirectory(destination);
        await commands.RunAsync("tar", ["-xzf", tarball, "-C", destination], cancellation: cancellation);
        return destination;
    }

    public static async Task<string> Sha256Async(string file, CancellationToken cancellation = default)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellation));
    }
}
