namespace Platform.Core;

/// <summary>Finds programs on PATH, plus the places Debian installs server binaries off PATH.</summary>
public static class ToolLocator
{
    /// <summary>Folders searched after PATH: Debian keeps sshd in /usr/sbin and PostgreSQL's server binaries in a versioned folder.</summary>
    public static IReadOnlyList<string> ExtraDirectories { get; } = BuildExtraDirectories();

    public static string? Find(string program)
    {
        if (Path.IsPathRooted(program))
        {
            return File.Exists(program) ? program : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(ExtraDirectories)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>PATH for child processes: the current PATH plus the extra folders that exist.</summary>
    public static string ChildPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        var parts = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        parts.AddRange(ExtraDirectories.Where(d => !parts.Contains(d)));
        return string.Join(Path.PathSeparator, parts);
    }

    private static List<string> BuildExtraDirectories()
    {
        var dirs = new List<string> { "/usr/sbin", "/sbin", "/usr/local/sbin" };
        const string pgRoot = "/usr/lib/postgresql";
        if (Directory.Exists(pgRoot))
        {
            // Newest major version first.
            dirs.AddRange(Directory.GetDirectories(pgRoot)
                .Select(d => (dir: d, version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .OrderByDescending(x => x.version)
                .Select(x => Path.Combine(x.dir, "bin"))
                .Where(Directory.Exists));
        }

        return dirs.Where(Directory.Exists).ToList();
    }
}
