namespace Platform.Secrets.Tests;

/// <summary>
/// A fresh folder for one test under the test run's work directory, removed on dispose. Kept local rather
/// than taken from Platform.TestSupport, which pulls in the provisioning projects these tests do not need.
/// </summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder(string name)
    {
        Path = System.IO.Path.Combine(TestContext.CurrentContext.WorkDirectory, "scratch", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }

        // Leave nothing behind: the parent too once the last test has finished with it.
        var parent = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
        {
            Directory.Delete(parent);
        }
    }
}
