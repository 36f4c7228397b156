using Platform.Core;

namespace Platform.Deploy.Tests;

/// <summary>What a failed roll tells the operator to do next.</summary>
public sealed class RollNodeStepTests
{
    private static readonly RollResult PartWay = new([
        new NodeOutcome("web-1", Outcome.Changed, "rolled"),
        new NodeOutcome("web-2", Outcome.Failed, "not ready"),
        new NodeOutcome("web-3", Outcome.Skipped, "not rolled: an earlier node failed"),
    ]);

    [Test]
    public void A_roll_that_failed_part_way_says_the_rolled_nodes_stay_on_the_new_release() =>
        Assert.That(RollNodeStep.AfterFailure(PartWay, "RollNode", "1.3.0", restart: false), Is.EqualTo("Nodes already rolled (web-1) stay on the new release (Rollback moves them back); the failed node kept its release."));

    [Test]
    public void A_rollback_that_failed_part_way_says_a_second_rollback_finishes_it_not_that_they_run_the_new_release()
    {
        var said = RollNodeStep.AfterFailure(PartWay, "Rollback", "1.2.0", restart: false);

        Assert.That(said, Is.EqualTo("Nodes already rolled back (web-1) run 1.2.0 now; the failed node kept its release. Fix the cause and run Rollback again: it finishes going back to 1.2.0 (it does not undo what was rolled back)."));
    }

    [Test]
    public void A_roll_that_rolled_nothing_and_a_failed_restart_say_so()
    {
        var nothing = new RollResult([new NodeOutcome("web-1", Outcome.Failed, "not ready")]);

        Assert.That(RollNodeStep.AfterFailure(nothing, "Rollback", "1.2.0", restart: false), Is.EqualTo("No node was rolled: the failed node kept its release."));
        Assert.That(RollNodeStep.AfterFailure(PartWay, "RollNode", "1.3.0", restart: true), Does.StartWith("The restart strategy stopped the release each failed node ran: those nodes serve nothing now."));
    }
}
