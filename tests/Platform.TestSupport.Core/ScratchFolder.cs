namespace Platform.TestSupport;

/// <summary>
/// A scratch folder (see <see cref="RepositoryRoot.NewScratch"/>) owned by one test or fixture: removed, with
/// everything in it, on dispose. For the tests that hold it as a value rather than a path and a teardown.
/// </summary>
public sealed class ScratchFolder : IDisposable
{
    private ScratchFolder(string path) => Path = path;

    public string Path { get; }

    /// <summary>A new, empty folder.</summary>
    public static ScratchFolder Create(string name) => new(RepositoryRoot.NewScratch(name));

    /// <summary>Only a name: the folder does not exist yet, so a test can check that the code under test creates it.</summary>
    public static ScratchFolder Reserve(string name) => new(RepositoryRoot.ScratchPath(name));

    public void Dispose() => RepositoryRoot.RemoveScratch(Path);
}
