using Platform.Core;

namespace Platform.Deploy.Tests;

public sealed class RollbackTargetTests
{
    private static NodeRelease Runs(string version, params string[] before) => new(version, 8081, DateTimeOffset.UnixEpoch, before);

    private static Dictionary<string, NodeRelease?> Nodes(NodeRelease? one, NodeRelease? two, NodeRelease? three) =>
        new() { ["web-1"] = one, ["web-2"] = two, ["web-3"] = three };

    [Test]
    public void Every_node_goes_back_to_the_release_they_all_ran_before()
    {
        var (version, why) = RollbackTarget.Choose(Nodes(Runs("2.0", "1.0"), Runs("2.0", "1.0", "0.9"), Runs("2.0", "1.0")));

        Assert.That(version, Is.EqualTo("1.0"));
        Assert.That(why, Is.EqualTo("Rolling back from 2.0 to 1.0"));
    }

    [Test]
    public void A_canary_goes_back_to_what_the_other_nodes_run_and_nothing_else_moves()
    {
        // web-2 took the canary 2.1 over 2.0; web-1 and web-3 never ran anything before 2.0.
        var (version, why) = RollbackTarget.Choose(Nodes(Runs("2.0"), Runs("2.1", "2.0"), Runs("2.0")));

        Assert.That(version, Is.EqualTo("2.0"));
        Assert.That(why, Is.EqualTo("Rolling back web-2 from 2.1 to 2.0, which the other nodes run"));
    }

    [Test]
    public void A_canary_rolled_back_already_does_not_send_the_others_to_it()
    {
        // web-2 ran the rejected canary 2.1 and is back on 2.0: its "previous" is the canary, the others keep none.
        var error = Assert.Throws<PlatformException>(() => RollbackTarget.Choose(Nodes(Runs("2.0"), Runs("2.0", "2.1"), Runs("2.0"))));

        Assert.That(error!.Message, Is.EqualTo("The nodes did not all run the same release before (web-1: 2.0, before it nothing kept, web-2: 2.0, before it 2.1, web-3: 2.0, before it nothing kept): pass --version= with the release to go back to, one of 2.1. Nothing was changed."));
    }

    [Test]
    public void Nodes_that_keep_no_earlier_release_leave_the_choice_to_the_operator()
    {
        var error = Assert.Throws<PlatformException>(() => RollbackTarget.Choose(Nodes(Runs("2.0"), Runs("2.0"), null)));

        Assert.That(error!.Message, Does.StartWith("The nodes run 2.0 and keep no earlier release (web-1: 2.0, before it nothing kept, web-2: 2.0, before it nothing kept, web-3: nothing)")
            .And.Contain("run RollNode --version=X.Y.Z").And.Not.Contain("pass --version"), "Rollback --version= only takes a release the nodes ran");
    }

    [Test]
    public void Nothing_deployed_is_said_as_such() =>
        Assert.That(() => RollbackTarget.Choose(Nodes(null, null, null)), Throws.TypeOf<PlatformException>().With.Message.EqualTo("Nothing is deployed: there is nothing to roll back."));

    [Test]
    public void A_chosen_release_must_be_one_the_nodes_ran()
    {
        var nodes = Nodes(Runs("2.0", "1.0"), Runs("2.0", "1.0"), Runs("2.0", "1.0"));

        Assert.That(RollbackTarget.Check(nodes, "1.0"), Is.EqualTo(("1.0", "Rolling back from 2.0 to 1.0")));
        Assert.That(() => RollbackTarget.Check(nodes, "0.5"), Throws.TypeOf<PlatformException>().With.Message.Contains("0.5 is not one of them (their records keep 2.0, 1.0)"));
    }
}
