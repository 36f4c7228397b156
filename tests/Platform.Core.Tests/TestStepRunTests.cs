using Platform.Testing;
using Platform.TestSupport;

namespace Platform.Core.Tests;

/// <summary>
/// The Test target on a repository of its own with one real NUnit project (built and run with the real
/// dotnet): the line CI reads, a failing test failing the run, a filter that runs nothing failing it too,
/// and what a test leaves behind under <c>.platform/test/</c> killed, removed and named.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class TestStepRunTests
{
    private string _repo = null!;

    [OneTimeSetUp]
    public async Task CreateRepository()
    {
        _repo = RepositoryRoot.NewScratch("teststep-run");
        var project = Directory.CreateDirectory(Path.Combine(_repo, "tests", "Sample.Tests")).FullName;
        // Central package versions and build settings come from Platform's own files above this folder.
        await File.WriteAllTextAsync(Path.Combine(project, "Sample.Tests.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <IsTestProject>true</IsTestProject>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="NUnit" />
                <PackageReference Include="NUnit3TestAdapter" />
                <PackageReference Include="Microsoft.NET.Test.Sdk" />
                <Using Include="NUnit.Framework" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(project, "SampleTests.cs"), """
            namespace Sample.Tests;

            public sealed class SampleTests
            {
                [Test]
                public void Passes() => Assert.That(1 + 1, Is.EqualTo(2));

                [Test]
                public void Fails() => Assert.That(1 + 1, Is.EqualTo(3));

                // A fixture that forgot its teardown: a process and a scratch folder under .platform/test/.
                [Test]
                public void Leaves_things_behind()
                {
                    var scratch = Path.GetFullPath(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "..", ".platform", "test", "forgotten-0123abcd"));
                    Directory.CreateDirectory(scratch);
                    File.WriteAllText(Path.Combine(scratch, "log"), string.Empty);
                    // Detached, as the fixtures start sshd, HAProxy and PostgreSQL: it outlives the test host.
                    // Its output goes nowhere: tail -f ends when the pipe it writes to closes.
                    System.Diagnostics.Process.Start("setsid", ["-f", "sh", "-c", "exec tail -f \"$0\" > /dev/null 2>&1", Path.Combine(scratch, "log")])!.WaitForExit();
                }
            }
            """);
        var commands = new CommandRunner(new RecordingReporter(), new SecretRedactor());
        await commands.RunAsync("dotnet", ["new", "sln", "-n", "Platform", "--format", "sln"], new CommandOptions { WorkingDirectory = _repo });
        await commands.RunAsync("dotnet", ["sln", "Platform.sln", "add", Path.Combine(project, "Sample.Tests.csproj")], new CommandOptions { WorkingDirectory = _repo });
    }

    [OneTimeTearDown]
    public void RemoveRepository() => RepositoryRoot.RemoveScratch(_repo);

    private static string Summary(string repo) => File.ReadAllText(Path.Combine(repo, "artifacts", "tests", "summary.txt"));

    [Test]
    public void A_failing_test_fails_the_run_and_what_tests_left_behind_is_killed_removed_and_named()
    {
        var reporter = new RecordingReporter();
        var step = new TestStep(new RunContext(new EnvironmentLayout(_repo, "local"), RunArguments.Empty, false, reporter));

        Assert.That(async () => await step.RunAsync(), Throws.TypeOf<PlatformException>().With.Message.StartWith("1 test(s) failed"));
        Assert.That(Summary(_repo), Is.EqualTo("tests: 2 passed, 1 failed\n"));
        Assert.That(reporter.Text, Does.Contain("A test left a process behind and it was killed: ").And.Contain("tail -f"));
        Assert.That(reporter.Text, Does.Contain("A test left its scratch folder behind and it was removed: ").And.Contain("forgotten-0123abcd"));
        Assert.That(Directory.Exists(Path.Combine(_repo, ".platform", "test", "forgotten-0123abcd")), Is.False);
        Assert.That(new LeftoverProcesses(Path.Combine(_repo, ".platform", "test")).KillAll(), Is.Empty, "nothing left running");
    }

    [Test]
    public void A_filter_that_runs_no_test_fails_the_run_naming_it()
    {
        var arguments = RunArguments.From(new Dictionary<string, string> { ["test-filter"] = "FullyQualifiedName~NoSuchTest" });
        var step = new TestStep(new RunContext(new EnvironmentLayout(_repo, "local"), arguments, false, new RecordingReporter()));

        Assert.That(async () => await step.RunAsync(), Throws.TypeOf<PlatformException>().With.Message.StartWith("No test ran: --test-filter=FullyQualifiedName~NoSuchTest matched none in Sample.Tests"));
        Assert.That(Summary(_repo), Is.EqualTo("tests: 0 passed, 1 failed\n"), "not a green line for a run that tested nothing");
    }
}
