namespace Platform.Core;

/// <summary>
/// Everything a step needs to know about the current run: which environment, where its files are,
/// the arguments, whether this is a check (dry) run, who is running it, and where to report.
/// Built once by build.cake and passed to every step.
/// </summary>
public sealed class RunContext
{
    public RunContext(EnvironmentLayout layout, RunArguments arguments, bool checkMode, IReporter reporter, CancellationToken cancellation = default)
    {
        Layout = layout;
        Arguments = arguments;
        CheckMode = checkMode;
        Redactor = new SecretRedactor();
        // Redacted before they are kept: the problems end up in report files.
        Problems = new ProblemRecorder(reporter);
        Reporter = new RedactingReporter(Problems, Redactor);
        Cancellation = cancellation;
        Commands = new CommandRunner(Reporter, Redactor, StoreCredentials(layout));
    }

    // The secrets platform.json's terraformEnvironment gives Terraform ("secret:KEY": a cloud token, a state backend's
    // connection string): exported in the shell as the documented fallback, they would reach every program a run starts
    // (git, tar, the release's build and smoke tests); Terraform is given them by name. Plain values (a proxy) are no
    // secret and stay inherited. An unreadable platform.json names none here: the step that loads it says what is wrong.
    private static IEnumerable<string> StoreCredentials(EnvironmentLayout layout)
    {
        try
        {
            return File.Exists(layout.SettingsFile)
                ? [.. EnvironmentSettings.Parse(File.ReadAllText(layout.SettingsFile), layout.SettingsFile).UserSecrets.Keys]
                : [];
        }
        catch (Exception e) when (e is PlatformException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public EnvironmentLayout Layout { get; }

    public RunArguments Arguments { get; }

    /// <summary>True for <c>--dryrun</c>/<c>--check</c>: steps show what they would change and change nothing.</summary>
    public bool CheckMode { get; }

    /// <summary>The targets this run was asked for (<c>--target</c>, repeatable); Deploy, build.cake's default, when none.</summary>
    public IReadOnlyList<string> Targets => Arguments.All("target") is { Count: > 0 } given ? given : ["Deploy"];

    /// <summary>Whether this run packages the release (Deploy or Package): a check may then say so of a release not packaged yet.</summary>
    public bool Packages => Targets.Any(t => t is "Deploy" or "Package");

    /// <summary>
    /// In check mode, the hosts whose processes Apply found stopped and would start again first (the
    /// local environment after a reboot or a crash): the later steps' checks cannot ask them yet.
    /// </summary>
    public ISet<string> HostsApplyWouldStart { get; } = new SortedSet<string>(StringComparer.Ordinal);

    /// <summary>Every line passes through <see cref="Redactor"/>.</summary>
    public IReporter Reporter { get; }

    /// <summary>The warnings and errors reported so far (redacted), for the deploy report.</summary>
    public ProblemRecorder Problems { get; }

    public SecretRedactor Redactor { get; }

    public CommandRunner Commands { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>A path the user typed, made absolute (see <see cref="Core.UserPath"/>).</summary>
    public string UserPath(string path) => Core.UserPath.Resolve(path, Layout.RepoRoot);

    /// <summary>When this run began (files written since are this run's).</summary>
    public DateTime StartedUtc { get; } = DateTime.UtcNow;

    public string Environment => Layout.Environment;

    /// <summary>
    /// The inventory the steps of this run work on: in check mode, the one Apply wrote aside in this run
    /// (<see cref="EnvironmentLayout.CheckInventoryFile"/>) when it did, else the environment's own.
    /// </summary>
    public string InventoryFile =>
        CheckMode && File.Exists(Layout.CheckInventoryFile) && File.GetLastWriteTimeUtc(Layout.CheckInventoryFile) >= StartedUtc
            ? Layout.CheckInventoryFile
            : Layout.InventoryFile;

    /// <summary>The CI build running this (e.g. <c>jenkins#42</c>), from Cake's build-system detection; null on a laptop.</summary>
    public string? CiBuild { get; init; }

    /// <summary>Who runs this: <c>--as=</c>, else <c>PLATFORM_OPERATOR</c>, else the OS user. Written to the audit log.</summary>
    public string Operator =>
        Arguments.Get("as")
        ?? System.Environment.GetEnvironmentVariable("PLATFORM_OPERATOR")
        ?? System.Environment.UserName;

    /// <summary>
    /// Builds the context from Cake's arguments: <c>--environment</c> (default <c>local</c>),
    /// <c>--state-dir</c> and <c>--artifacts-dir</c> (defaults under the repository).
    /// </summary>
    public static RunContext FromArguments(string repoRoot, RunArguments arguments, bool checkMode, IReporter reporter, CancellationToken cancellation = default, string? ciBuild = null)
    {
        string? Dir(string name) => arguments.Get(name) is { } dir ? Core.UserPath.Resolve(dir, repoRoot) : null;
        var layout = new EnvironmentLayout(
            repoRoot,
            arguments.Get("environment", "local"),
            Dir("state-dir"),
            Dir("artifacts-dir"),
            Dir("releases-dir"));
        return new RunContext(layout, arguments, checkMode, reporter, cancellation) { CiBuild = ciBuild };
    }
}
