using Platform.Core;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

public sealed class RememberedVariablesTests
{
    private string _scratch = null!;
    private EnvironmentLayout _layout = null!;

    [SetUp]
    public void CreateLayout()
    {
        _scratch = RepositoryRoot.NewScratch("remembered");
        _layout = new EnvironmentLayout(_scratch, "local", Path.Combine(_scratch, "state"), Path.Combine(_scratch, "artifacts"));
        Directory.CreateDirectory(_layout.StateDir);
    }

    [TearDown]
    public void RemoveScratch() => RepositoryRoot.RemoveScratch(_scratch);

    [Test]
    public void Values_of_the_applied_plan_are_kept_by_later_runs_unless_given_again()
    {
        var plan = Path.Combine(_scratch, "plan.tfplan");
        RememberedVariables.WriteBesidePlan(plan, ["app_nodes=4", "region=fra1"]);
        var reporter = new RecordingReporter();

        Assert.That(RememberedVariables.Merge(_layout, ["region=ams3"], reporter), Is.EqualTo(new[] { "region=ams3" }), "nothing applied yet");
        RememberedVariables.AdoptFromPlan(_layout, plan, "{}", []);

        Assert.That(RememberedVariables.Merge(_layout, [], reporter), Is.EqualTo(new[] { "app_nodes=4", "region=fra1" }));
        Assert.That(RememberedVariables.Merge(_layout, ["region=ams3"], reporter), Is.EqualTo(new[] { "app_nodes=4", "region=ams3" }));
        Assert.That(reporter.Text, Does.Contain("Keeping --var=app_nodes=4 from the last Apply (pass --var=app_nodes=… to change it)."));
    }

    // What `terraform show -json` says of a plan made with -var=app_nodes=4 (address_prefix left at its default).
    private const string ShowJson = """
        {"variables":{"app_nodes":{"value":4},"address_prefix":{"value":"127.0.10."},"state_dir":{"value":"/x"},"token":{"value":"s3cret"},"ports":{"value":[8081,8083]}},
         "configuration":{"root_module":{"variables":{"app_nodes":{"default":3},"address_prefix":{"default":"127.0.10."},"state_dir":{},"token":{"sensitive":true},"ports":{"default":[8081,8082]}}}}}
        """;

    [Test]
    public void A_plan_from_elsewhere_is_read_for_the_values_it_was_made_with_and_Destroy_forgets()
    {
        var planned = Path.Combine(_scratch, "plan.tfplan");
        RememberedVariables.WriteBesidePlan(planned, ["app_nodes=5"]);
        RememberedVariables.AdoptFromPlan(_layout, planned, ShowJson, []);
        Assert.That(RememberedVariables.Merge(_layout, [], new RecordingReporter()), Is.EqualTo(new[] { "app_nodes=5" }), "the values Plan wrote beside its plan come first");

        // Copied elsewhere, without the file beside it: off their defaults, neither set by Platform nor sensitive.
        RememberedVariables.AdoptFromPlan(_layout, Path.Combine(_scratch, "copied.tfplan"), ShowJson, ["state_dir"]);
        Assert.That(RememberedVariables.Merge(_layout, [], new RecordingReporter()), Is.EqualTo(new[] { "app_nodes=4", "ports=[8081,8083]" }));

        RememberedVariables.Forget(_layout);
        Assert.That(RememberedVariables.Merge(_layout, [], new RecordingReporter()), Is.Empty);
    }

    [Test]
    public void A_damaged_file_is_named_with_what_to_do()
    {
        File.WriteAllText(RememberedVariables.FileOf(_layout), "{oops");

        Assert.That(() => RememberedVariables.Merge(_layout, [], new RecordingReporter()),
            Throws.TypeOf<PlatformException>().With.Message.Contains(RememberedVariables.FileOf(_layout)).And.Message.Contains("restore it").And.Message.Not.Contains("System.Collections"));
    }
}
