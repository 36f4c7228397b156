namespace Platform.TestSupport;

/// <summary>Locates the repository (the folder holding Platform.sln) from a test's output folder.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string Path => Root.Value;

    /// <summary>
    /// A fresh folder for one fixture under <c>.platform/test/</c> in the repository (never /tmp:
    /// sshd's StrictModes refuses keys below world-writable folders). Remove it with <see cref="RemoveScratch"/>.
    /// </summary>
    public static string NewScratch(string name)
    {
        var dir = System.IO.Path.Combine(Path, ".platform", "test", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void RemoveScratch(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Platform.sln not found above {AppContext.BaseDirectory}.");
    }
}
