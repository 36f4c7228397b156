using Platform.Testing;
using Platform.TestSupport;

namespace Platform.Core.Tests;

/// <summary>The Test target's one line for CI when the run does not get as far as a total.</summary>
public sealed class TestStepTests
{
    private string _repo = null!;

    [SetUp]
    public void CreateRepository()
    {
        // A repository with a test project and no solution: `dotnet build` fails at once.
        _repo = RepositoryRoot.NewScratch("teststep");
        Directory.CreateDirectory(Path.Combine(_repo, "tests", "Some.Tests"));
        File.WriteAllText(Path.Combine(_repo, "tests", "Some.Tests", "Some.Tests.csproj"), "<Project />");
    }

    [TearDown]
    public void RemoveRepository() => RepositoryRoot.RemoveScratch(_repo);

    [Test]
    public void A_solution_that_does_not_build_still_ends_with_the_summary_line_counting_a_failure()
    {
        var step = new TestStep(new RunContext(new EnvironmentLayout(_repo, "local"), RunArguments.Empty, false, new RecordingReporter()));

        Assert.That(async () => await step.RunAsync(), Throws.InstanceOf<CommandFailedException>());
        Assert.That(File.ReadAllText(Path.Combine(_repo, "artifacts", "tests", "summary.txt")), Is.EqualTo("tests: 0 passed, 1 failed\n"));
    }

    [Test]
    public void An_unknown_test_project_is_refused_before_the_last_results_are_removed()
    {
        var kept = Path.Combine(_repo, "artifacts", "tests", "Some.Tests.trx");
        Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
        File.WriteAllText(kept, "<TestRun />");
        var arguments = RunArguments.From(new Dictionary<string, string> { ["test-projects"] = "Missing.Tests" });
        var step = new TestStep(new RunContext(new EnvironmentLayout(_repo, "local"), arguments, false, new RecordingReporter()));

        Assert.That(async () => await step.RunAsync(), Throws.InstanceOf<PlatformException>().With.Message.Contains("Missing.Tests"));
        Assert.That(File.Exists(kept), Is.True);
        Assert.That(File.ReadAllText(Path.Combine(_repo, "artifacts", "tests", "summary.txt")), Is.EqualTo("tests: 0 passed, 1 failed\n"), "CI still gets its one line");
    }
}
