namespace Platform.Deploy;

/// <summary>Reads a process's state from the text of <c>/proc/&lt;pid&gt;/stat</c>.</summary>
public static class ProcessState
{
    /// <summary>
    /// True for a running or sleeping process; false when gone (no stat), a zombie (Z) or dead (X):
    /// a killed process can linger as a zombie that <c>kill -0</c> still reports alive.
    /// </summary>
    public static bool IsAlive(string? stat)
    {
        if (string.IsNullOrEmpty(stat))
        {
            return false;
        }

        // "pid (comm) S ...": comm may contain spaces and parentheses, so the state follows the last ')'.
        var close = stat.LastIndexOf(')');
        var state = close >= 0 && close + 2 < stat.Length ? stat[close + 2] : 'X';
        return state is not ('Z' or 'X' or 'x');
    }
}
