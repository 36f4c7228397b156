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
}
