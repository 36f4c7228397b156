using Platform.Core;

namespace Platform.Provision.Tests;

public sealed class StateChangesTests
{
    private static string Resource(string address, string input, bool tainted = false) =>
        $$"""{"address":"{{address}}","mode":"managed","type":"terraform_data","values":{"input":"{{input}}"},"sensitive_values":{}{{(tainted ? ",\"tainted\":true" : string.Empty)}}}""";

    private static string Plan(params string[] resources) =>
        """{"format_version":"1.2","prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[""" + string.Join(",", resources) + "]}}}}";

    private static string State(params string[] resources) =>
        """{"format_version":"1.0","values":{"root_module":{"child_modules":[{"resources":[""" + string.Join(",", resources) + "]}]}}}";

    [Test]
    public void Planned_addresses_created_destroyed_updated_or_left_tainted_are_changes_and_nothing_else_is()
    {
        var plan = Plan(Resource("a.gone", "1"), Resource("a.updated", "1"), Resource("a.tainted", "1"), Resource("a.untouched", "1"), Resource("a.drifted", "1"));
        var state = State(Resource("a.updated", "2"), Resource("a.tainted", "1", tainted: true), Resource("a.untouched", "1"), Resource("a.drifted", "2"), Resource("a.new", "1"));

        var changed = StateChanges.Since(plan, state, ["a.new", "a.gone", "a.updated", "a.tainted", "a.untouched", "a.failed"]);

        Assert.That(changed, Is.EqualTo(new[] { "a.gone", "a.new", "a.tainted", "a.updated" }), "a.drifted was not planned; a.untouched and a.failed are as they were");
    }

    [Test]
    public void A_first_apply_has_no_prior_state_and_an_empty_state_is_no_change()
    {
        Assert.That(StateChanges.Since("""{"format_version":"1.2"}""", """{"format_version":"1.0"}""", ["a.new"]), Is.Empty);
        Assert.That(StateChanges.Since("""{"format_version":"1.2"}""", State(Resource("a.new", "1")), ["a.new"]), Is.EqualTo(new[] { "a.new" }));
    }

    [Test]
    public void Output_that_is_no_json_is_named() =>
        Assert.That(() => StateChanges.Since(Plan(), "Error: no state", ["a.new"]), Throws.TypeOf<PlatformException>().With.Message.Contains("of the state is not JSON"));
}
