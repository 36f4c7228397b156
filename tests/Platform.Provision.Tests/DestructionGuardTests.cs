using Platform.Core;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

public sealed class DestructionGuardTests
{
    private static readonly PlanSummary DropsANodeAndTheDatabase = new(
        Add: ["terraform_data.postgres"],
        Change: [],
        Replace: ["terraform_data.haproxy_backends", "terraform_data.postgres"],
        Destroy: ["terraform_data.host[\"web-3\"]", "terraform_data.haproxy_backends_extra"],
        OutputsChange: true);

    private static readonly string[] Replaceable = ["terraform_data.haproxy_backends"];

    [Test]
    public void Only_what_is_neither_replaceable_nor_named_by_replace_needs_consent()
    {
        Assert.That(
            DestructionGuard.Unconsented(DropsANodeAndTheDatabase, Replaceable, []),
            Is.EqualTo(new[] { "terraform_data.host[\"web-3\"]", "terraform_data.haproxy_backends_extra", "terraform_data.postgres" }),
            "a replaceable address covers its instances, not other resources sharing its prefix");
        Assert.That(
            DestructionGuard.Unconsented(DropsANodeAndTheDatabase, Replaceable, ["terraform_data.postgres", "terraform_data.host[\"web-3\"]"]),
            Is.EqualTo(new[] { "terraform_data.haproxy_backends_extra" }));
    }

    [Test]
    public void An_unreviewed_plan_that_destroys_is_refused_naming_what_and_how_to_go_on()
    {
        var run = Run([]);

        var error = Assert.Throws<PlatformException>(() => DestructionGuard.Check(run, "/x/artifacts/local/plan.tfplan", DropsANodeAndTheDatabase, Replaceable, reviewed: false));

        Assert.That(error!.Message, Does.Contain("terraform_data.postgres").And.Contain("terraform_data.host[\"web-3\"]"));
        Assert.That(error.Message, Does.Contain("/x/artifacts/local/plan.txt").And.Contain("--target=Apply --exclusive").And.Contain("--allow-destroy").And.EndWith("Nothing was changed."));
    }

    [Test]
    public void A_reviewed_plan_or_allow_destroy_goes_ahead_and_check_mode_warns()
    {
        Assert.DoesNotThrow(() => DestructionGuard.Check(Run([]), "p.tfplan", DropsANodeAndTheDatabase, Replaceable, reviewed: true));
        Assert.DoesNotThrow(() => DestructionGuard.Check(Run([("allow-destroy", "")]), "p.tfplan", DropsANodeAndTheDatabase, Replaceable, reviewed: false));

        var said = new RecordingReporter();
        DestructionGuard.Check(Run([], checkMode: true, said), "p.tfplan", DropsANodeAndTheDatabase, Replaceable, reviewed: false);
        Assert.That(said.Text, Does.Contain("Check mode: Apply would refuse.").And.Contain("terraform_data.postgres"));
    }

    [Test]
    public void A_tainted_resource_is_named_as_such_with_the_replace_that_consents()
    {
        const string show = """
            {"format_version":"1.2","resource_changes":[
              {"address":"terraform_data.host[\"web-3\"]","action_reason":"replace_because_tainted","change":{"actions":["delete","create"]}},
              {"address":"terraform_data.postgres","change":{"actions":["delete","create"]}}]}
            """;
        var plan = PlanSummary.Parse(show);

        var error = Assert.Throws<PlatformException>(() => DestructionGuard.Check(Run([]), "p.tfplan", plan, Replaceable, reviewed: false));

        Assert.That(plan.Tainted, Is.EqualTo(new[] { "terraform_data.host[\"web-3\"]" }));
        Assert.That(error!.Message, Does.Contain("Terraform marked terraform_data.host[\"web-3\"] tainted").And.Contain("--replace='terraform_data.host[\"web-3\"]'").And.Not.Contain("marked terraform_data.postgres"));
    }

    private static RunContext Run((string Key, string Value)[] arguments, bool checkMode = false, IReporter? reporter = null) =>
        new(new EnvironmentLayout("/x", "local", "/x/state"), RunArguments.From(arguments.ToDictionary(a => a.Key, a => a.Value)), checkMode, reporter ?? new RecordingReporter());
}
