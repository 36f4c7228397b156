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
        var dir = ScratchPath(name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// The path of a new scratch folder, not created (its parent is): <c>&lt;name&gt;-&lt;8 hex digits&gt;</c>, the
    /// name the Test target's leftover sweep (Platform.Testing's LeftoverScratch) recognises.
    /// </summary>
    public static string ScratchPath(string name)
    {
        var parent = System.IO.Path.Combine(Path, ".platform", "test");
        Directory.CreateDirectory(parent);
        return System.IO.Path.Combine(parent, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
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
