using System.Globalization;
using Platform.Core;

namespace Platform.Release;

/// <summary>
/// The C toolchain the native (ahead-of-time) publish links with, passed to the .NET SDK as
/// <c>CppCompilerAndLinker</c>. The SDK looks for plain <c>clang</c>; Debian often installs only a
/// versioned <c>clang-NN</c>, so those are found too (newest first), then <c>gcc</c>.
/// </summary>
public static class NativeLinker
{
    /// <summary>The program name to use, or null when PATH has none.</summary>
    public static string? Find(string? path)
    {
        var dirs = (path ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(Directory.Exists).ToList();
        bool OnPath(string name) => dirs.Any(d => File.Exists(Path.Combine(d, name)));
        if (OnPath("clang"))
        {
            return "clang";
        }

        var versioned = dirs
            .SelectMany(d => Directory.EnumerateFiles(d, "clang-*"))
            .Select(Path.GetFileName)
            .Select(name => (Name: name!, Version: int.TryParse(name!["clang-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
            .Where(c => c.Version >= 0)
            .OrderByDescending(c => c.Version)
            .Select(c => c.Name)
            .FirstOrDefault();
        return versioned ?? (OnPath("gcc") ? "gcc" : null);
    }

    /// <summary>The toolchain on this machine's PATH.</summary>
    /// <exception cref="PlatformException">There is none: says what to install.</exception>
    public static string Require() =>
        Find(Environment.GetEnvironmentVariable("PATH"))
        ?? throw new PlatformException("Package compiles the service ahead of time (native code) and needs a C toolchain to link it: none of clang, clang-<version> or gcc is on PATH. Install one (Debian/Ubuntu: apt-get install -y clang zlib1g-dev) and run Package again.");
}
