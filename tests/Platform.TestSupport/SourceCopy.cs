namespace Platform.TestSupport;

/// <summary>
/// Copies a project's sources (a file, or a folder without its <c>bin</c> and <c>obj</c>) into a scratch
/// tree, so a test can build it with other properties without touching the tree's own build output.
/// </summary>
public static class SourceCopy
{
    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>; a path that does not exist is passed over (optional settings files).</summary>
    public static void Copy(string from, string to)
    {
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
            return;
        }

        if (!Directory.Exists(from))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (!IsBuildOutput(relative))
            {
                Copy(file, Path.Combine(to, relative));
            }
        }
    }

    private static bool IsBuildOutput(string relative) =>
        relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
