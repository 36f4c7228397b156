using System.Security.Cryptography;
using System.Text;

namespace Platform.Release;

/// <summary>
/// A hash of the files a release is built from (paths and contents, build output excluded) plus
/// its build settings: Package rebuilds only when this changes.
/// </summary>
public static class SourceFingerprint
{
    public static string Compute(string repoRoot, IEnumerable<string> sourcePaths, IEnumerable<string> settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in sourcePaths.Select(p => Path.Combine(repoRoot, p)))
        {
            var files = File.Exists(path)
                ? [path]
                : Directory.Exists(path)
                    ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => !IsBuildOutput(repoRoot, f))
                    : [];
            foreach (var file in files.Order(StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(repoRoot, file) + "\0"));
                hash.AppendData(File.ReadAllBytes(file));
            }
        }

        foreach (var setting in settings)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(setting + "\0"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static bool IsBuildOutput(string root, string file)
    {
        var parts = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
        return parts.Contains("bin") || parts.Contains("obj") || parts.Contains("TestResults");
    }
}
