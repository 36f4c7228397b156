using System.Text.RegularExpressions;

namespace Platform.Testing;

/// <summary>
/// Removes the fixtures' scratch folders (<c>&lt;name&gt;-&lt;8 hex digits&gt;</c>, see the tests'
/// RepositoryRoot.NewScratch) left in a folder: a fixture removes its own in its teardown, which
/// does not run when the test process is stopped. Run after <see cref="LeftoverProcesses"/>.
/// </summary>
public static partial class LeftoverScratch
{
    public static IReadOnlyList<string> RemoveAll(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var dir in Directory.GetDirectories(folder).Where(d => ScratchName().IsMatch(Path.GetFileName(d))))
        {
            try
            {
                Directory.Delete(dir, recursive: true);
                removed.Add(dir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the next run; nothing depends on it.
            }
        }

        return removed;
    }

    [GeneratedRegex("^[A-Za-z0-9_.]+(-[A-Za-z0-9_.]+)*-[0-9a-f]{8}$")]
    private static partial Regex ScratchName();
}
