namespace Platform.Reports.Tests;

/// <summary>A fresh folder under NUnit's work directory, deleted with everything in it on dispose.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder() =>
        Path = System.IO.Path.Combine(TestContext.CurrentContext.WorkDirectory, "reports-scratch-" + Guid.NewGuid().ToString("N"));

    /// <summary>Not created yet, so a test can check that the code under test creates it.</summary>
    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
