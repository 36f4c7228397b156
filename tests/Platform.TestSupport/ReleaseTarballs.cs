using System.Diagnostics;
using Platform.Core;
using Platform.Release;

namespace Platform.TestSupport;

/// <summary>Release tarballs for tests: zstd as Package writes them, or gzip as releases packaged before zstd are.</summary>
public static class ReleaseTarballs
{
    /// <summary>Packs a folder's content into <paramref name="tarball"/>, in the format its name says.</summary>
    public static async Task PackAsync(string folder, string tarball)
    {
        if (!tarball.EndsWith(ReleaseArchive.LegacyExtension, StringComparison.Ordinal))
        {
            await ReleaseArchive.CreateAsync(folder, tarball, new CommandRunner(new ConsoleReporter(), new SecretRedactor()));
            return;
        }

        using var tar = Process.Start("tar", ["-czf", tarball, "-C", folder, "."])!;
        await tar.WaitForExitAsync();
        Assert.That(tar.ExitCode, Is.Zero, $"tar -czf {tarball}");
    }
}
