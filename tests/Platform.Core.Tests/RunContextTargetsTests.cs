using Platform.TestSupport;

namespace Platform.Core.Tests;

/// <summary>Which targets a run was asked for: build.cake runs Deploy when none is named.</summary>
public sealed class RunContextTargetsTests
{
    private static RunContext Run(params string[] targets) =>
        new(new EnvironmentLayout(RepositoryRoot.Path, "local"), new RunArguments(name => name == "target" ? targets : []), checkMode: true, new RecordingReporter());

    [Test]
    public void No_target_is_the_default_deploy_which_packages()
    {
        var run = Run();

        Assert.That(run.Targets, Is.EqualTo(new[] { "Deploy" }));
        Assert.That(run.Packages, Is.True);
    }

    [Test]
    public void Named_targets_are_taken_as_given()
    {
        Assert.That(Run("Plan", "Apply").Targets, Is.EqualTo(new[] { "Plan", "Apply" }));
        Assert.That(Run("Plan", "Apply").Packages, Is.False);
        Assert.That(Run("Package").Packages, Is.True);
    }
}
