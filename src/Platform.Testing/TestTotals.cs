namespace Platform.Testing;

/// <summary>Passed/failed/skipped counts, summed over test projects.</summary>
public sealed record TestTotals(int Passed, int Failed, int Skipped)
{
    public static TestTotals Zero { get; } = new(0, 0, 0);

    public static TestTotals operator +(TestTotals a, TestTotals b) => new(a.Passed + b.Passed, a.Failed + b.Failed, a.Skipped + b.Skipped);

    /// <summary>The one line CI reads: <c>tests: 12 passed, 0 failed</c> (<c>, 3 skipped</c> when any).</summary>
    /// <summary>No test ran at all (none failed either): a filter or project list that matched nothing.</summary>
    public bool NothingRan => Passed + Failed + Skipped == 0;

    public string SummaryLine => $"tests: {Passed} passed, {Failed} failed" + (Skipped > 0 ? $", {Skipped} skipped" : string.Empty);
}
