using Platform.TestSupport;

namespace Platform.Deploy.Tests;

/// <summary>Whether the nodes a step asked while taking the deploy lock may have changed before it got the lock.</summary>
public sealed class DeployLockTests
{
    private static readonly DateTime Asked = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    [Test]
    public void A_holder_runs_here_only_while_its_process_lives_on_this_machine()
    {
        var here = new LockHolder("bob", "RollNode", "1.0.0", DateTimeOffset.UtcNow, Environment.MachineName, "t", Environment.ProcessId);

        Assert.That(here.RunsHere(), Is.True);
        Assert.That((here with { Pid = 999_999_999 }).RunsHere(), Is.False, "no such process: the run died");
        Assert.That((here with { Machine = "elsewhere" }).RunsHere(), Is.False, "another machine's process cannot be asked");
        Assert.That((here with { Pid = null }).RunsHere(), Is.False, "a lock from before pids were kept");
        Assert.That(DeployLock.Describe(here), Does.Contain($"(RollNode, version 1.0.0, process {Environment.ProcessId}) since"));
        Assert.That(DeployLock.Describe(new LockHolder("nobody known: /srv/lb/deploy.lock on lb is not a lock Platform wrote", "unknown", "unknown", DateTimeOffset.MinValue, "unknown", string.Empty)), Is.EqualTo("nobody known: /srv/lb/deploy.lock on lb is not a lock Platform wrote"));
    }

    [Test]
    public async Task A_holder_stopped_by_a_signal_is_alive_but_paused()
    {
        using var sleeper = System.Diagnostics.Process.Start("sleep", "30");
        try
        {
            var holder = new LockHolder("bob", "RollNode", "1.0.0", DateTimeOffset.UtcNow, Environment.MachineName, "t", sleeper.Id);
            Assert.That(holder.IsPausedHere(), Is.False);

            ProcessSignal.Send("STOP", sleeper.Id);

            // The kernel may take a moment to show the new state.
            Assert.That(holder.IsPausedHere, Is.True.After(10_000, 20));
            Assert.That(holder.RunsHere(), Is.True, "paused is not dead: its lock is not free to break");
        }
        finally
        {
            sleeper.Kill();
            await sleeper.WaitForExitAsync();
        }
    }

    [Test]
    public void The_lb_answers_when_the_lock_was_last_released_and_its_time()
    {
        Assert.That(DeployLock.ReleasedAgo("1764158400000 1764158403250\n"), Is.EqualTo(TimeSpan.FromMilliseconds(3250)));
        Assert.That(DeployLock.ReleasedAgo(" 1764158403250\n"), Is.Null, "never released");
        Assert.That(DeployLock.ReleasedAgo("1764158400%3N 1764158403%3N"), Is.Null, "a date without %N: unknown");
    }

    [Test]
    public void A_lock_released_by_another_run_while_the_nodes_were_asked_means_ask_again() =>
        Assert.That(RunLock.MayHaveChanged(Asked, Asked.AddMilliseconds(80), TimeSpan.FromMilliseconds(30)), Is.True);

    [Test]
    public void A_lock_released_long_before_or_taken_before_asking_changes_nothing()
    {
        Assert.That(RunLock.MayHaveChanged(Asked, Asked.AddMilliseconds(80), TimeSpan.FromSeconds(2)), Is.False, "released two seconds before the nodes were asked (the run before this one)");
        Assert.That(RunLock.MayHaveChanged(Asked, Asked.AddSeconds(-30), TimeSpan.Zero), Is.False, "the lock was held before the nodes were asked (Deploy takes it at Apply or ExpandDb)");
        Assert.That(RunLock.MayHaveChanged(Asked, null, null), Is.False, "check mode takes no lock");
        Assert.That(RunLock.MayHaveChanged(Asked, Asked.AddMilliseconds(80), null), Is.False, "never released before");
    }
}
