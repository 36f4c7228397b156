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
        RememberedVariables.AdoptFromPlan(_layout, plan, reporter);

        Assert.That(RememberedVariables.Merge(_layout, [], reporter), Is.EqualTo(new[] { "app_nodes=4", "region=fra1" }));
        Assert.That(RememberedVariables.Merge(_layout, ["region=ams3"], reporter), Is.EqualTo(new[] { "app_nodes=4", "region=ams3" }));
        Assert.That(reporter.Text, Does.Contain("Keeping --var=app_nodes=4 from the last Apply (pass --var=app_nodes=… to change it)."));
    }

    [Test]
    public void A_plan_from_elsewhere_without_its_values_changes_nothing_remembered_and_says_so_and_Destroy_forgets()
    {
        var planned = Path.Combine(_scratch, "plan.tfplan");
        RememberedVariables.WriteBesidePlan(planned, ["app_nodes=4"]);
        RememberedVariables.AdoptFromPlan(_layout, planned, new RecordingReporter());

        var said = new RecordingReporter();
        RememberedVariables.AdoptFromPlan(_layout, Path.Combine(_scratch, "copied.tfplan"), said);
        Assert.That(RememberedVariables.Merge(_layout, [], new RecordingReporter()), Is.EqualTo(new[] { "app_nodes=4" }));
        Assert.That(said.Text, Does.Contain("came without the --var values Plan wrote beside it").And.Contain("pass them again"));

        RememberedVariables.Forget(_layout);
        Assert.That(RememberedVariables.Merge(_layout, [], new RecordingReporter()), Is.Empty);
    }

    [TestCase("{oops")]
    [TestCase("null")]
    [TestCase("[null]")]
    [TestCase("[\"app_nodes\"]")]
    public void A_damaged_file_is_named_with_what_to_do(string content)
    {
        File.WriteAllText(RememberedVariables.FileOf(_layout), content);

        Assert.That(() => RememberedVariables.Merge(_layout, [], new RecordingReporter()),
            Throws.TypeOf<PlatformException>().With.Message.Contains(RememberedVariables.FileOf(_layout)).And.Message.Contains("restore it").And.Message.Not.Contains("System.Collections"));
    }

    // Remembered before such values were refused as --var: dropped, and said, rather than failing every Plan.
    [Test]
    public void A_remembered_value_of_a_variable_platform_passes_itself_is_dropped_and_said()
    {
        File.WriteAllText(RememberedVariables.FileOf(_layout), """["ssh_user=alice","app_nodes=4"]""");
        var reporter = new RecordingReporter();

        var merged = RememberedVariables.Merge(_layout, [], reporter, new HashSet<string> { "ssh_user", "state_dir" });

        Assert.That(merged, Is.EqualTo(new[] { "app_nodes=4" }));
        Assert.That(reporter.Text, Does.Contain("Not keeping --var=ssh_user=… from an earlier Apply").And.Contain("Platform passes ssh_user to Terraform itself"));
    }
}
