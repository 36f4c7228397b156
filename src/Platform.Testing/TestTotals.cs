namespace Platform.Testing;

/// <summary>Passed/failed/skipped counts, summed over test projects.</summary>
public sealed record TestTotals(int Passed, int Failed, int Skipped)
{
    public static TestTotals Zero { get; } = new(0, 0, 0);

    /// <summary>A run that did not finish, or ran nothing, counted as one failed test.</summary>
    public static TestTotals OneFailure { get; } = new(0, 1, 0);

    public static TestTotals operator +(TestTotals a, TestTotals b) => new(a.Passed + b.Passed, a.Failed + b.Failed, a.Skipped + b.Skipped);

    /// <summary>No test ran at all (none failed either): a filter or project list that matched nothing.</summary>
    public bool NothingRan => Passed + Failed + Skipped == 0;

    /// <summary>
    /// The totals the summary line shows: a run in which no test ran counts as one failure, so that a CI
    /// reading only the line does not take a run that tested nothing (a misspelt filter) for a green one.
    /// </summary>
    public TestTotals Reported => NothingRan ? OneFailure : this;

    /// <summary>The one line CI reads: <c>tests: 12 passed, 0 failed</c> (<c>, 3 skipped</c> when any).</summary>
    public string SummaryLine => $"tests: {Passed} passed, {Failed} failed" + (Skipped > 0 ? $", {Skipped} skipped" : string.Empty);
}
