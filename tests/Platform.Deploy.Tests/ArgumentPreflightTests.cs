using Platform.Core;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

/// <summary>Values the run's tasks will read are checked before any task runs.</summary>
public sealed class ArgumentPreflightTests
{
    private static RunContext Run(params (string Name, string Value)[] arguments) =>
        new(new EnvironmentLayout(RepositoryRoot.Path, "local"), RunArguments.From(arguments.ToDictionary(a => a.Name, a => a.Value)), checkMode: false, new RecordingReporter());

    [Test]
    public void A_roll_option_out_of_range_fails_a_run_that_rolls_before_anything_runs()
    {
        var run = Run(("batch-size", "0"));

        Assert.That(() => ArgumentPreflight.Check(run, ["Package", "Apply", "Stage", "RollNode"]), Throws.TypeOf<PlatformException>().With.Message.Contains("--batch-size"));
        Assert.DoesNotThrow(() => ArgumentPreflight.Check(run, ["Plan"]), "a run that rolls nothing does not read it");
    }

    [Test]
    public void A_bad_drain_timeout_fails_an_apply_before_it_plans()
    {
        var run = Run(("drain-timeout", "abc"));

        Assert.That(() => ArgumentPreflight.Check(run, ["Plan", "Apply"]), Throws.TypeOf<PlatformException>().With.Message.Contains("--drain-timeout"));
    }

    [TestCase("check", "maybe")]
    [TestCase("version", "01.2.3")]
    [TestCase("lock-timeout", "soon")]
    public void A_bad_value_is_refused_naming_it(string name, string value) =>
        Assert.That(() => ArgumentPreflight.Check(Run((name, value)), ["MigrateDb"]), Throws.TypeOf<PlatformException>().With.Message.Contains(name == "version" ? value : $"--{name}"));

    // Caught before Package builds a release for a minute, not at Plan after it.
    [TestCase("app_nodes", "--var=app_nodes is not valid: expected --var=name=value")]
    [TestCase("=4", "--var==4 is not valid")]
    [TestCase("state_dir=/tmp/elsewhere", "--var=state_dir=… cannot be given: Platform passes state_dir to Terraform itself")]
    [TestCase("ssh_public_keys=[]", "Platform passes ssh_public_keys to Terraform itself")]
    public void A_var_terraform_must_not_get_fails_the_run_before_anything_runs(string value, string message) =>
        Assert.That(() => ArgumentPreflight.Check(Run(("var", value)), ["Package", "Plan", "Apply"]), Throws.TypeOf<PlatformException>().With.Message.Contains(message));

    [Test]
    public void A_var_of_the_environments_own_variables_passes() =>
        Assert.DoesNotThrow(() => ArgumentPreflight.Check(Run(("var", "app_nodes=4")), ["Plan"]));

    [Test]
    public void A_var_of_a_variable_declared_sensitive_fails_the_run_before_anything_runs()
    {
        using var repository = ScratchFolder.Create("preflight-sensitive");
        var infra = Path.Combine(repository.Path, "infra", "shop");
        Directory.CreateDirectory(infra);
        File.WriteAllText(Path.Combine(infra, "platform.json"), """{ "terraformVariables": { "environment": "${environment}" } }""");
        File.WriteAllText(Path.Combine(infra, "variables.tf"), "variable \"db_password\" {\n  type      = string\n  sensitive = true\n}\n");
        var run = new RunContext(new EnvironmentLayout(repository.Path, "shop"), RunArguments.From(new Dictionary<string, string> { ["var"] = "db_password=hunter2" }), checkMode: false, new RecordingReporter());

        var error = Assert.Throws<PlatformException>(() => ArgumentPreflight.Check(run, ["Package", "Plan", "Apply"]));

        Assert.That(error!.Message, Does.Contain($"{Path.Combine(infra, "variables.tf")} declares db_password sensitive").And.Not.Contain("hunter2"));
    }
}
