namespace Platform.Reports;

/// <summary>One phase of one node's roll; times are seconds since the run started.</summary>
public sealed record ReportPhase(string Node, string Phase, double StartSeconds, double EndSeconds)
{
    public double DurationSeconds => EndSeconds - StartSeconds;

    /// <summary>How the phase ended when not as it should (<c>failed</c>, <c>stopped</c>): marked on the chart and in the table; null when it completed.</summary>
    public string? Ended { get; init; }
}

/// <summary>
/// Requests and failures answered in <paramref name="Width"/> seconds from <paramref name="Second"/>
/// (seconds since the run's start): one-second samples, or tenths for a run that lasts a second or two.
/// </summary>
public sealed record ReportLoadSecond(double Second, int Requests, int Failed, double Width = 1)
{
    public double RequestsPerSecond => Requests / Width;

    public double FailedPerSecond => Failed / Width;
}

/// <summary>
/// Everything a deploy report shows. Plain values only, so the deploy code fills it without
/// this library having to reference any other Platform project.
/// </summary>
public sealed record DeployReportData(
    string Environment,
    string Target,
    string Version,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    bool Succeeded,
    string? Error,
    IReadOnlyList<ReportPhase> Phases,
    IReadOnlyList<string> RecapLines,
    IReadOnlyList<ReportLoadSecond>? Load,
    string? LoadSummary)
{
    /// <summary>The run's warnings and errors (<c>ERROR [roll] web-1: failed (…)</c>): what the console said went wrong.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>What the steps around the roll did (migrations applied, the compatibility proof, a contract left for later), in order.</summary>
    public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>Stopped by Ctrl+C, SIGTERM or a CI timeout, rather than failing on its own (as the audit line tells them apart).</summary>
    public bool Interrupted { get; init; }

    /// <summary>How the run ended, in words: succeeded, failed or interrupted.</summary>
    public string Result => Succeeded ? "succeeded" : Interrupted ? "interrupted" : "failed";

    /// <summary>The node the run was limited to (<c>--node</c>), or null: every node. The other hosts' lanes show only their connection.</summary>
    public string? OnlyNode { get; init; }

    /// <summary>"Target version" for titles; a run refused before it knew its release shows the target alone.</summary>
    public string Heading => Version is "" or "-" ? Target : $"{Target} {Version}";

    /// <summary>When the whole run began (Package and Apply come before the timeline's first connection); null: at <see cref="StartedAt"/>.</summary>
    public DateTimeOffset? RunStartedAt { get; init; }
}
