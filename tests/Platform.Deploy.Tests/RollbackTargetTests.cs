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

    // Two nodes back on 1.9.0, two on 1.10.0: neither is the canary, whatever order the names sort in.
    [Test]
    public void Nodes_split_evenly_leave_the_choice_to_the_operator()
    {
        var nodes = new Dictionary<string, NodeRelease?>
        {
            ["web-1"] = Runs("1.9.0", "1.10.0", "1.9.0"), ["web-2"] = Runs("1.9.0", "1.10.0", "1.9.0"),
            ["web-3"] = Runs("1.10.0", "1.9.0"), ["web-4"] = Runs("1.10.0", "1.9.0"),
        };

        var error = Assert.Throws<RollbackRefusedException>(() => RollbackTarget.Choose(nodes));

        Assert.That(error!.Message, Does.Contain("split evenly (1.9.0 on web-1, web-2; 1.10.0 on web-3, web-4)").And.Contain("Pass --version=").And.Contain("Nothing was changed"));
        Assert.That(error.Offered, Is.EquivalentTo(new[] { "1.9.0", "1.10.0" }), "what the message names");
        Assert.That(RollbackTarget.Check(nodes, "1.9.0").Version, Is.EqualTo("1.9.0"), "--version decides");
    }

    [Test]
    public void A_canary_rolled_back_already_does_not_send_the_others_to_it()
    {
        // web-2 ran the rejected canary 2.1 and is back on 2.0: its "previous" is the canary, the others keep none.
        var error = Assert.Throws<RollbackRefusedException>(() => RollbackTarget.Choose(Nodes(Runs("2.0"), Runs("2.0", "2.1"), Runs("2.0"))));

        Assert.That(error!.Message, Is.EqualTo("The nodes did not all run the same release before (web-1: 2.0, before it nothing kept, web-2: 2.0, before it 2.1, web-3: 2.0, before it nothing kept): pass --version= with the release to go back to, one of 2.1. Nothing was changed."));
        Assert.That(error.Offered, Is.EqualTo(new[] { "2.1" }));
    }

    [Test]
    public void Nodes_that_keep_no_earlier_release_leave_the_choice_to_the_operator()
    {
        var error = Assert.Throws<RollbackRefusedException>(() => RollbackTarget.Choose(Nodes(Runs("2.0"), Runs("2.0"), null)));

        Assert.That(error!.Message, Does.StartWith("The nodes run 2.0 and keep no earlier release (web-1: 2.0, before it nothing kept, web-2: 2.0, before it nothing kept, web-3: nothing)")
            .And.Contain("run RollNode --version=X.Y.Z").And.Not.Contain("pass --version"), "Rollback --version= only takes a release the nodes ran");
        Assert.That(error.Offered, Is.Empty);
    }

    [Test]
    public void Nothing_deployed_is_said_as_such() =>
        Assert.That(() => RollbackTarget.Choose(Nodes(null, null, null)), Throws.TypeOf<PlatformException>().With.Message.EqualTo("Nothing is deployed: there is nothing to roll back."));

    [Test]
    public void A_chosen_release_must_be_one_the_nodes_ran()
    {
        var nodes = Nodes(Runs("2.0", "1.0"), Runs("2.0", "1.0"), Runs("2.0", "1.0"));

        Assert.That(RollbackTarget.Check(nodes, "1.0"), Is.EqualTo(("1.0", "Rolling back from 2.0 to 1.0")));
        Assert.That(() => RollbackTarget.Check(nodes, "0.5"), Throws.TypeOf<RollbackRefusedException>().With.Message.Contains("0.5 is not one of them (their records name 2.0 (what most of them run), 1.0)")
            .And.Property(nameof(RollbackRefusedException.Offered)).EqualTo(new[] { "2.0", "1.0" }));
    }

    [Test]
    public void A_second_rollback_goes_further_back_instead_of_forward_again()
    {
        var now = DateTimeOffset.UnixEpoch;
        // 1.0, then 2.0, then 3.0 rolled out; a Rollback took every node from 3.0 back to 2.0.
        var node = NodeRelease.After(NodeRelease.After(NodeRelease.After(null, "1.0", 8081, now), "2.0", 8082, now), "3.0", 8081, now);
        var back = NodeRelease.After(node, "2.0", 8082, now, rollback: true);

        var (version, why) = RollbackTarget.Choose(Nodes(back, back, back));

        Assert.That(version, Is.EqualTo("1.0"));
        Assert.That(why, Is.EqualTo("Rolling back from 2.0 to 1.0 (passing over 3.0, which an earlier Rollback left or which failed to start in place: --version= brings it back)"));
        Assert.That(RollbackTarget.Check(Nodes(back, back, back), "3.0").Version, Is.EqualTo("3.0"), "--version= still takes the release a Rollback left");
    }

    [Test]
    public void Rolling_a_release_out_again_clears_what_a_rollback_noted()
    {
        var now = DateTimeOffset.UnixEpoch;
        var back = NodeRelease.After(NodeRelease.After(NodeRelease.After(null, "1.0", 8081, now), "2.0", 8082, now), "1.0", 8081, now, rollback: true);
        var again = NodeRelease.After(back, "2.0", 8082, now);

        Assert.That(back.RolledBackFrom, Is.EqualTo(new[] { "2.0" }));
        Assert.That(again.RolledBackFrom, Is.Null);
        Assert.That(RollbackTarget.Choose(Nodes(again, again, again)).Version, Is.EqualTo("1.0"));
        var record = NodeRelease.After(NodeRelease.After(NodeRelease.After(null, "1.0.0", 8081, now), "2.0.0", 8082, now), "1.0.0", 8081, now, rollback: true);
        Assert.That(NodeRelease.Parse(record.ToJson()), Is.Not.Null.And.Property(nameof(NodeRelease.RolledBackFrom)).EqualTo(new[] { "2.0.0" }), "the note survives the record file");
    }

    [Test]
    public void Nodes_whose_earlier_releases_were_all_left_by_rollbacks_ask_for_a_version()
    {
        var now = DateTimeOffset.UnixEpoch;
        var back = NodeRelease.After(NodeRelease.After(null, "2.0", 8081, now), "1.0", 8082, now, rollback: false);
        back = NodeRelease.After(NodeRelease.After(back, "2.0", 8081, now), "1.0", 8082, now, rollback: true);

        var error = Assert.Throws<RollbackRefusedException>(() => RollbackTarget.Choose(Nodes(back, back, back)));

        Assert.That(error!.Message, Is.EqualTo("The nodes run 1.0, and every earlier release they keep was left by a Rollback or failed to start in place (2.0): a plain Rollback would go forward again. To go back to one of those, pass --version=. Nothing was changed."));
    }

    [Test]
    public void A_rollback_that_stopped_part_way_is_finished_not_undone()
    {
        var now = DateTimeOffset.UnixEpoch;
        var on2 = NodeRelease.After(NodeRelease.After(null, "1.0", 8081, now), "2.0", 8082, now);
        // A Rollback 2.0 -> 1.0 took web-1 back, then failed on web-2: web-1 looks like a canary off the majority.
        var back = NodeRelease.After(on2, "1.0", 8081, now, rollback: true);

        var (version, why) = RollbackTarget.Choose(Nodes(back, on2, on2));

        Assert.That(version, Is.EqualTo("1.0"), "not forward to 2.0, which that Rollback left");
        Assert.That(why, Is.EqualTo("Rolling back from 2.0 to 1.0"));
    }
}
