namespace Platform.Core;

/// <summary>
/// A folder of one run's own under <c>.platform/&lt;env&gt;/tmp/</c> (owner-only: it may hold a plan or a
/// release's migrations), removed with everything in it when the step is done, and <c>tmp/</c> with it
/// once no other run has a folder there.
/// </summary>
public sealed class WorkFolder : IDisposable
{
    private WorkFolder(string path) => Path = path;

    public string Path { get; }

    /// <param name="name">What the folder is for, the start of its name (e.g. <c>apply</c>, <c>smoke-1.2.0</c>).</param>
    public static WorkFolder Create(EnvironmentLayout layout, string name)
    {
        RemoveAbandoned(TempDir(layout));
        var path = System.IO.Path.Combine(TempDir(layout), $"{name}-{Guid.NewGuid():N}");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(path);
                }
                else
                {
                    Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }

                return new WorkFolder(path);
            }
            catch (DirectoryNotFoundException) when (attempt < 5)
            {
                // Another run removed tmp/ between its making and this folder's: made again.
            }
        }
    }

    private static string TempDir(EnvironmentLayout layout) => System.IO.Path.Combine(layout.StateDir, "tmp");

    /// <summary>How long a folder may sit untouched before it counts as left by a run that ended without its cleanup (killed, a second Ctrl+C).</summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromDays(1);

    // A run ended at once leaves its folder (a release's migrations, a plan): the next run removes those a day old.
    private static void RemoveAbandoned(string tempDir)
    {
        if (!Directory.Exists(tempDir))
        {
            return;
        }

        foreach (var dir in Directory.EnumerateDirectories(tempDir))
        {
            try
            {
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(dir) > Abandoned)
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another run's, or being removed meanwhile: left alone.
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Removed already.
        }

        try
        {
            // Fails while another run's folder is there: that run removes tmp/ (one being made meanwhile is made again).
            Directory.Delete(System.IO.Path.GetDirectoryName(Path)!);
        }
        catch (IOException)
        {
        }
    }
}
