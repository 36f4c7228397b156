namespace Platform.Core;

/// <summary>
/// The arguments a run understands: Platform's (README, "Arguments") and Cake's own. Cake hands
/// every <c>--name=value</c> to the script and ignores what nobody reads, so a typo such as
/// <c>--bathc-size=2</c> would silently roll with the default; the run checks the command line
/// first and refuses, naming the argument and the closest known one, before any task runs.
/// </summary>
public static class KnownArguments
{
    /// <summary>Read by Platform's steps (<c>release-version</c> is how build.sh passes <c>--version</c>).</summary>
    public static readonly IReadOnlySet<string> Platform = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "allow-destroy", "artifacts-dir", "as", "batch-size", "bench-lead", "bench-nodes", "bench-path", "bench-rps", "bench-runs",
        "check", "confirm", "contract", "drain-timeout", "environment", "expires", "fault", "force", "key",
        "lock-timeout", "max-5xx-rate", "node", "operator", "phase", "plan", "progress-deadline", "ready-timeout",
        "release-version", "releases-dir", "replace", "schema", "secret", "ssh-certificates", "state-dir", "stop-timeout",
        "strategy", "surge", "test-filter", "test-parallel", "test-projects", "upload-parallel", "var", "version",
    };

    /// <summary>Platform's yes/no arguments: a value other than true/false (<c>--contract=maybe</c>) fails the run before any task.</summary>
    public static readonly IReadOnlyList<string> Flags = ["allow-destroy", "check", "contract", "force", "ssh-certificates"];

    /// <summary>Cake's own options (Cake compares names ignoring case, and so does this). Names with an underscore (<c>--settings_skipverification</c>) are Cake configuration and always allowed.</summary>
    public static readonly IReadOnlySet<string> Cake = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "target", "t", "verbosity", "v", "debug", "d", "showdescription", "showdescriptions", "description", "descriptions",
        "showtree", "tree", "dryrun", "noop", "whatif", "exclusive", "e", "bootstrap", "skip-bootstrap", "info", "help", "h",
        "ver", "no-report", "invalidate-script-cache",
    };

    /// <summary>The option names on a command line (<c>--name</c>, <c>--name=value</c>, <c>-n</c>) that nobody reads.</summary>
    public static IReadOnlyList<string> Unknown(IEnumerable<string> commandLine) =>
        Names(commandLine).Where(n => !Platform.Contains(n) && !Cake.Contains(n)).ToList();

    /// <summary>
    /// The option names on a command line, each once, Cake configuration (a name with an underscore) left out.
    /// A value given apart (<c>--batch-size -1</c>, <c>--var x=1</c>) is no name.
    /// </summary>
    internal static IEnumerable<string> Names(IEnumerable<string> commandLine) =>
        commandLine
            .Where(a => a.StartsWith('-') && a.Length > 1 && !char.IsDigit(a[1]))
            .Select(a => a.TrimStart('-').Split('=', 2)[0])
            .Where(n => n.Length > 0 && !n.Contains('_', StringComparison.Ordinal))
            .Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Platform's arguments that take several values, one per occurrence; every other one takes one.</summary>
    public static readonly IReadOnlySet<string> Repeatable = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "var", "replace" };

    /// <exception cref="PlatformException">An argument is unknown (names it, and the closest known one), or one that takes one value is given more than once.</exception>
    public static void Check(IEnumerable<string> commandLine)
    {
        var line = commandLine.ToList();
        var unknown = Unknown(line);
        if (unknown.Count > 0)
        {
            throw new PlatformException(
                string.Join(" ", unknown.Select(n => $"--{n} is not an argument Platform or Cake knows{(Closest(n) is { } c ? $" (did you mean --{c}?)" : string.Empty)}.")) +
                " See README.md, \"Arguments\". Nothing was run.");
        }

        // Only the last value would count: --node=web-1 --node=web-2 would roll web-2 alone, silently.
        var repeated = line
            .Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2))
            .Where(p => Platform.Contains(p[0]) && !Repeatable.Contains(p[0]))
            .GroupBy(p => p[0] == "release-version" ? "version" : p[0].ToLowerInvariant())
            .Where(g => g.Count() > 1)
            .ToList();
        if (repeated.Count > 0)
        {
            throw new PlatformException(
                string.Join(" ", repeated.Select(g => $"--{g.Key} is given {g.Count()} times ({string.Join(", ", g.Select(p => p[1]))}), and it takes one value: only the last would count.")) +
                " Pass it once (only --var and --replace take several). Nothing was run.");
        }
    }

    /// <exception cref="PlatformException">A target is not in the graph: names it, and the closest target or else every one.</exception>
    public static void CheckTargets(IEnumerable<string> targets, IReadOnlyCollection<string> graph)
    {
        foreach (var target in targets.Where(t => !graph.Contains(t, StringComparer.OrdinalIgnoreCase)))
        {
            throw new PlatformException($"--target={target} is not a target." + (Closest(target, graph) is { } c
                ? $" Did you mean --target={c}?"
                : $" The targets are: {string.Join(", ", graph)} (./build.sh --description says what each does).") + " Nothing was run.");
        }
    }

    /// <summary>The known argument nearest in spelling (at most a third of its letters off), or null.</summary>
    internal static string? Closest(string name) => Closest(name, Platform.Concat(Cake));

    private static string? Closest(string name, IEnumerable<string> candidates) =>
        candidates.Where(k => k.Length > 2)
            .Select(k => (Known: k, Distance: Distance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(x => x.Distance <= Math.Max(1, x.Known.Length / 3))
            .OrderBy(x => x.Distance).ThenBy(x => x.Known, StringComparer.Ordinal)
            .Select(x => x.Known)
            .FirstOrDefault();

    // Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
