namespace Platform.Core;

/// <summary>
/// Which targets read each of Platform's arguments. Cake ignores an argument no task reads, so
/// <c>--target=Verify --batch-size=3</c> would look like a change and be none; the run refuses an
/// argument that no task it runs reads, naming the targets that do, before any task.
/// </summary>
public static class TargetArguments
{
    /// <summary>Read by every target: where the environment's files are, who runs it, check mode, how hosts are logged in to.</summary>
    public static readonly IReadOnlySet<string> Global = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "environment", "as", "state-dir", "artifacts-dir", "releases-dir", "check", "ssh-certificates",
    };

    private static readonly string[] Rolls = ["RollNode", "Rollback"];

    /// <summary>
    /// For every other argument, the targets whose own step reads it. Dependencies are not listed:
    /// Cake runs them too (Deploy runs RollNode, so a Deploy reads <c>--batch-size</c>), unless
    /// <c>--exclusive</c>. A read that is only incidental (a version naming the lock's
    /// holder) counts: refusing an argument a step does read is worse than missing one it ignores.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ReadBy = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
    {
        // Plan's criteria only sees --plan to skip itself: it is Apply's plan file.
        ["plan"] = ["Apply"],
        ["var"] = ["Plan", "Apply", "Destroy"],
        ["replace"] = ["Plan", "Apply"],
        ["allow-destroy"] = ["Apply"],
        ["confirm"] = ["Destroy"],
        ["secret"] = ["StoreSecret"],
        ["operator"] = ["Onboard", "Revoke", "Rotate"],
        ["key"] = ["Onboard", "Rotate"],
        ["expires"] = ["Onboard"],
        ["schema"] = ["Package"],
        ["fault"] = ["Package"],
        ["phase"] = ["MigrateDb"],
        ["lock-timeout"] = ["MigrateDb", "ExpandDb", "ContractDb"],
        ["contract"] = ["ContractDb"],
        ["max-5xx-rate"] = ["Verify"],

        // Apply and Destroy name the lock holder and audit line with it; Deploy's own step says what it deployed.
        ["version"] = ["Package", "Apply", "Destroy", "MigrateDb", "ExpandDb", "CheckCompatibility", "Stage", "RollNode", "Verify", "ContractDb", "Deploy", "Rollback"],

        // Stage too refuses a release the database was contracted past (ContractGuard).
        ["force"] = ["Package", "Stage", "RollNode", "Rollback", "Unlock", "MigrateDb", "ContractDb", "Destroy"],

        // Stage uploads (and is bounded by the deadline); the rest is the roll's.
        ["node"] = ["Stage", .. Rolls],
        ["upload-parallel"] = ["Stage", .. Rolls],
        ["progress-deadline"] = ["Stage", .. Rolls],
        ["batch-size"] = Rolls,
        ["surge"] = Rolls,
        ["strategy"] = Rolls,
        ["ready-timeout"] = Rolls,
        ["stop-timeout"] = Rolls,

        // Apply drains the slots of app nodes its plan removes, as a roll does.
        ["drain-timeout"] = ["Apply", .. Rolls],
        ["bench-lead"] = ["Benchmark"],
        ["bench-nodes"] = ["Benchmark"],
        ["bench-path"] = ["Benchmark"],
        ["bench-rps"] = ["Benchmark"],
        ["bench-runs"] = ["Benchmark"],
        ["test-filter"] = ["Test"],
        ["test-parallel"] = ["Test"],
        ["test-projects"] = ["Test"],
    };

    /// <summary>The Platform arguments on a command line (as the user typed them) that none of <paramref name="running"/> reads.</summary>
    public static IReadOnlyList<string> Unread(IEnumerable<string> commandLine, IReadOnlyCollection<string> running) =>
        KnownArguments.Names(commandLine)
            .Select(Typed)
            .Where(n => ReadBy.TryGetValue(n, out var readers) && !readers.Any(t => running.Contains(t, StringComparer.OrdinalIgnoreCase)))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>
    /// The tasks that will run. Cake's <c>TasksToExecute</c> (<paramref name="tasks"/>) lists the targets' dependencies
    /// even with <c>--exclusive</c> (<c>-e</c>), which runs only the <paramref name="targets"/>.
    /// </summary>
    public static IReadOnlyList<string> Running(IEnumerable<string> commandLine, IReadOnlyCollection<string> tasks, IReadOnlyCollection<string> targets) =>
        KnownArguments.Names(commandLine).Any(n => n.Equals("exclusive", StringComparison.OrdinalIgnoreCase) || n.Equals("e", StringComparison.OrdinalIgnoreCase))
            ? tasks.Where(t => targets.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList()
            : tasks.ToList();

    /// <exception cref="PlatformException">An argument none of the tasks that will run reads: names it, those tasks, and the targets that read it.</exception>
    public static void Check(IEnumerable<string> commandLine, IReadOnlyCollection<string> tasks, IReadOnlyCollection<string> targets)
    {
        var line = commandLine.ToList();
        var running = Running(line, tasks, targets);
        var unread = Unread(line, running);
        if (unread.Count > 0)
        {
            throw new PlatformException(
                string.Join(" ", unread.Select(n => $"--{n} is read only by {string.Join(", ", ReadBy[n])} (or a target that depends on {(ReadBy[n].Count == 1 ? "it" : "one of them")}), and this run runs {string.Join(", ", running)}.")) +
                " Nothing was run.");
        }
    }

    // build.sh passes --version on as --release-version (Cake owns --version): named as the user typed it.
    private static string Typed(string name) => name.Equals("release-version", StringComparison.OrdinalIgnoreCase) ? "version" : name;
}
