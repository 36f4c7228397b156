using System.Security.Cryptography;
using Platform.Core;

namespace Platform.Release;

/// <summary>A packaged release: its tarball, checksum and manifest.</summary>
public sealed record PackagedRelease(string Version, string Tarball, string Sha256, ReleaseManifest Manifest);

/// <summary>
/// The releases Package has built, in <c>artifacts/releases/</c>: <c>catalog-&lt;version&gt;.tar.gz</c>,
/// its <c>.sha256</c> and <c>catalog-&lt;version&gt;.manifest.json</c>.
/// </summary>
public sealed class ReleaseStore(string directory)
{
    public string Directory => directory;

    public string TarballPath(string version) => Path.Combine(directory, $"{ReleaseManifest.Component}-{version}.tar.gz");

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
        var sha = File.ReadAllText(tarball + ".sha256").Split(' ', 2)[0].Trim();
        return new PackagedRelease(version, tarball, sha, ReleaseManifest.Parse(File.ReadAllText(ManifestPath(version)), ManifestPath(version)));
    }

    /// <summary>Unpacks a release into <paramref name="destination"/> after checking its checksum.</summary>
    public async Task<string> ExtractAsync(PackagedRelease release, string destination, CommandRunner commands, CancellationToken cancellation = default)
    {
        var actual = await Sha256Async(release.Tarball, cancellation);
        if (actual != release.Sha256)
        {
            throw new PlatformException($"{release.Tarball} does not match its checksum ({actual} != {release.Sha256}): the file is damaged or was altered. Package it again.");
        }

        System.IO.Directory.CreateDirectory(destination);
        await commands.RunAsync("tar", ["-xzf", release.Tarball, "-C", destination], cancellation: cancellation);
        return destination;
    }

    public static async Task<string> Sha256Async(string file, CancellationToken cancellation = default)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellation));
    }
}
