using Platform.Core;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

/// <summary>The audit line a run ends with tells a run stopped by a signal from one that failed on its own.</summary>
public sealed class DeployRunFinishTests
{
    private string _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = RepositoryRoot.NewScratch("finish");

    [TearDown]
    public void RemoveScratch() => RepositoryRoot.RemoveScratch(_scratch);

    [TestCase(true, "result=interrupted")]
    [TestCase(false, "result=failed")]
    public async Task A_rollout_that_did_not_succeed_is_audited_as_interrupted_or_failed(bool interrupted, string result)
    {
        var run = new RunContext(
            new EnvironmentLayout(RepositoryRoot.Path, "local", Path.Combine(_scratch, "state"), Path.Combine(_scratch, "artifacts")),
            RunArguments.From(new Dictionary<string, string> { ["version"] = "1.2.0", ["as"] = "jane" }),
            checkMode: false,
            new RecordingReporter(),
            new CancellationToken(canceled: interrupted));

        await DeployRun.FinishAsync(run, ["RollNode"], succeeded: false, "Stopped by SIGINT");

        Assert.That(await File.ReadAllTextAsync(run.Layout.AuditLogFile), Does.Contain($"operator=jane target=RollNode version=1.2.0 {result}"));
    }

    // A Deploy that failed at Package never learnt its version from a later step: the line names git's, as Deploy takes it.
    [Test]
    public async Task A_deploy_that_failed_before_it_knew_its_version_names_gits()
    {
        var run = new RunContext(
            new EnvironmentLayout(RepositoryRoot.Path, "local", Path.Combine(_scratch, "state"), Path.Combine(_scratch, "artifacts")),
            RunArguments.From(new Dictionary<string, string> { ["as"] = "jane" }),
            checkMode: false,
            new RecordingReporter());

        await DeployRun.FinishAsync(run, ["Deploy"], succeeded: false, "the release did not build");

        Assert.That(await File.ReadAllTextAsync(run.Layout.AuditLogFile), Does.Contain($"operator=jane target=Deploy version={await Platform.Release.ReleaseVersion.ResolveAsync(run)} result=failed"));
    }
}
