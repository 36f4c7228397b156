namespace Platform.Testing;

/// <summary>
/// Finds and kills processes whose command line points into a folder (the tests' scratch space):
/// a safety net after the test run, reported so the leaking fixture gets fixed.
/// </summary>
public sealed class LeftoverProcesses(string folder)
{
    public IReadOnlyList<string> KillAll()
    {
        var killed = new List<string>();
        if (!Directory.Exists("/proc"))
        {
            return killed;
        }

        // A process caught in the middle of an exec (a detached `sh -c "exec tail …"`) shows an empty command line for an
        // instant: a second look, a moment later, finds it. Looks go on while they find something, a few at most.
        for (var look = 1; look <= 5; look++)
        {
            var found = KillOnce();
            killed.AddRange(found);
            if (look > 1 && found.Count == 0)
            {
                break;
            }

            Thread.Sleep(100);
        }

        return killed;
    }

    private List<string> KillOnce()
    {
        var killed = new List<string>();
        var marker = folder.TrimEnd('/') + "/";
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Contains(marker, StringComparison.Ordinal))
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
                    killed.Add($"{pid} {commandLine}");
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Already gone.
                }
            }
        }

        return killed;
    }
}
