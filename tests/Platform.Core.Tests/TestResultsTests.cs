using System.Xml.Linq;
using Platform.Testing;

namespace Platform.Core.Tests;

public sealed class TestResultsTests
{
    private static XDocument Trx(string outcome, params string[] results) => XDocument.Parse($"""
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>{string.Join("", results)}</Results>
          <ResultSummary outcome="{outcome}"><Counters total="9" /></ResultSummary>
        </TestRun>
        """);

    private static string Result(string name, string outcome, string message = "") =>
        $"<UnitTestResult testName=\"{name}\" outcome=\"{outcome}\"><Output><ErrorInfo><Message>{message}</Message></ErrorInfo></Output></UnitTestResult>";

    [Test]
    public void Counts_each_outcome_and_keeps_failure_messages()
    {
        var report = TrxReport.Parse(Trx("Failed", Result("a", "Passed"), Result("b", "Failed", "expected 1\nbut was 2"), Result("c", "NotExecuted")));

        Assert.That(report.Totals, Is.EqualTo(new TestTotals(1, 1, 1)));
        Assert.That(report.Failures.Single().Name, Is.EqualTo("b"));
        Assert.That(report.Failures.Single().Message, Does.Contain("but was 2"));
        Assert.That(report.RunAborted, Is.False);
    }

    [Test]
    public void A_failed_run_without_failed_tests_counts_as_aborted() =>
        Assert.That(TrxReport.Parse(Trx("Failed", Result("a", "Passed"))).RunAborted, Is.True);

    [TestCase(3, 0, 0, "tests: 3 passed, 0 failed")]
    [TestCase(3, 1, 2, "tests: 3 passed, 1 failed, 2 skipped")]
    public void Summary_line_has_the_exact_ci_shape(int passed, int failed, int skipped, string line) =>
        Assert.That(new TestTotals(passed, failed, skipped).SummaryLine, Is.EqualTo(line));

    [TestCase(0, 0, 0, true)]
    [TestCase(0, 0, 1, false)]
    [TestCase(0, 1, 0, false)]
    [TestCase(1, 0, 0, false)]
    public void Nothing_ran_only_when_no_test_passed_failed_or_was_skipped(int passed, int failed, int skipped, bool nothing) =>
        Assert.That(new TestTotals(passed, failed, skipped).NothingRan, Is.EqualTo(nothing));

    [Test]
    public void A_run_in_which_nothing_ran_is_reported_as_a_failure()
    {
        Assert.That(TestTotals.Zero.Reported.SummaryLine, Is.EqualTo("tests: 0 passed, 1 failed"));
        Assert.That(new TestTotals(0, 0, 2).Reported, Is.EqualTo(new TestTotals(0, 0, 2)), "skipped tests did run");
    }

    [Test]
    public void A_project_without_results_counts_one_failure() =>
        Assert.That(ProjectOutcome.Judge(134, null), Is.EqualTo((new TestTotals(0, 1, 0), "the test run produced no results (exit 134)")));

    [Test]
    public void An_aborted_project_run_counts_one_failure_more() =>
        Assert.That(ProjectOutcome.Judge(1, TrxReport.Parse(Trx("Aborted", Result("a", "Passed")))).Totals, Is.EqualTo(new TestTotals(1, 1, 0)));

    [Test]
    public void A_non_zero_exit_without_a_failed_test_counts_one_failure()
    {
        var allPassed = TrxReport.Parse(Trx("Completed", Result("a", "Passed")));

        Assert.That(ProjectOutcome.Judge(3, allPassed), Is.EqualTo((new TestTotals(1, 1, 0), "dotnet test exited with code 3 although no test failed")));
        Assert.That(ProjectOutcome.Judge(0, allPassed), Is.EqualTo((new TestTotals(1, 0, 0), (string?)null)));
    }

    [Test]
    public void A_project_whose_tests_failed_counts_just_those() =>
        Assert.That(ProjectOutcome.Judge(1, TrxReport.Parse(Trx("Failed", Result("a", "Failed", "boom")))), Is.EqualTo((new TestTotals(0, 1, 0), (string?)null)));

    [Test]
    public void Totals_add_up_over_projects() =>
        Assert.That(new TestTotals(1, 2, 3) + new TestTotals(10, 20, 30), Is.EqualTo(new TestTotals(11, 22, 33)));
}
