using System.Xml.Linq;

namespace Platform.Testing;

/// <summary>A failed test: its name and the first lines of its message.</summary>
public sealed record TestFailure(string Name, string Message);

/// <summary>
/// The results of one test project, read from the TRX file that <c>dotnet test --logger trx</c>
/// writes. Counts come from each result's outcome (the TRX counters leave ignored tests out).
/// </summary>
public sealed record TrxReport(TestTotals Totals, IReadOnlyList<TestFailure> Failures, bool RunAborted)
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static TrxReport Load(string path) => Parse(XDocument.Load(path));

    public static TrxReport Parse(XDocument trx)
    {
        int passed = 0, failed = 0, skipped = 0;
        var failures = new List<TestFailure>();
        foreach (var result in trx.Descendants(Ns + "UnitTestResult"))
        {
            switch ((string?)result.Attribute("outcome"))
            {
                case "Passed":
                    passed++;
                    break;
                case "NotExecuted" or "Inconclusive" or "Pending":
                    skipped++;
                    break;
                default:
                    failed++;
                    var message = (string?)result.Descendants(Ns + "Message").FirstOrDefault() ?? "(no message)";
                    failures.Add(new TestFailure((string?)result.Attribute("testName") ?? "?", FirstLines(message, 6)));
                    break;
            }
        }

        var outcome = (string?)trx.Descendants(Ns + "ResultSummary").FirstOrDefault()?.Attribute("outcome");
        var aborted = outcome is "Aborted" or "Error" || (outcome == "Failed" && failed == 0);
        return new TrxReport(new TestTotals(passed, failed, skipped), failures, aborted);
    }

    private static string FirstLines(string text, int lines) =>
        string.Join(Environment.NewLine, text.Split('\n').Select(l => l.TrimEnd('\r')).Take(lines));
}
