namespace Platform.Testing;

/// <summary>
/// What one project's <c>dotnet test</c> adds to the total. A run that did not finish (no TRX file, an
/// aborted run, or a non-zero exit with no failed test: a test host that crashed after its last
/// result) counts as one failure more, so that the summary line CI reads never says "0 failed" for it.
/// </summary>
public static class ProjectOutcome
{
    /// <param name="exitCode">The exit code of <c>dotnet test</c>.</param>
    /// <param name="report">Its TRX file, or null when it wrote none.</param>
    /// <returns>The counts, and why the run counts as not finished (null when it finished).</returns>
    public static (TestTotals Totals, string? Problem) Judge(int exitCode, TrxReport? report)
    {
        if (report is null)
        {
            return (TestTotals.OneFailure, $"the test run produced no results (exit {exitCode})");
        }

        if (report.RunAborted)
        {
            return (report.Totals + TestTotals.OneFailure, "the test run was aborted");
        }

        if (exitCode != 0 && report.Totals.Failed == 0)
        {
            return (report.Totals + TestTotals.OneFailure, $"dotnet test exited with code {exitCode} although no test failed");
        }

        return (report.Totals, null);
    }
}
