using System.Runtime.InteropServices;

namespace Platform.Core.Tests;

public sealed class InterruptionTests
{
    [Test]
    public void The_first_signal_cancels_the_run_and_keeps_the_process_and_the_second_ends_it()
    {
        var said = new List<string>();
        using var interruption = new Interruption(said.Add, listen: false);
        var first = new PosixSignalContext(PosixSignal.SIGINT);
        var second = new PosixSignalContext(PosixSignal.SIGINT);

        var at = DateTime.UtcNow;
        interruption.OnSignal(first, at);
        var cancelled = interruption.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(5));
        interruption.OnSignal(second, at.AddSeconds(2));

        Assert.That(cancelled, Is.True, "the run's token is cancelled");
        Assert.That(first.Cancel, Is.True, "the first signal does not end the process");
        Assert.That(second.Cancel, Is.False, "the second one does");
        Assert.That(said, Has.Count.EqualTo(1).And.Some.Contains("SIGINT").And.Some.Contains("again"));
    }

    [Test]
    public void A_task_cancelled_by_the_interruption_fails_saying_so_and_other_errors_pass_unchanged()
    {
        using var interruption = new Interruption(_ => { }, listen: false);
        var other = new InvalidOperationException("boom");

        Assert.That(() => interruption.RunAsync(() => Task.FromException(other)), Throws.Exception.SameAs(other));
        Assert.That(() => interruption.RunAsync(() => Task.FromCanceled(new CancellationToken(true))), Throws.InstanceOf<OperationCanceledException>(), "not interrupted: not ours to explain");

        interruption.OnSignal(new PosixSignalContext(PosixSignal.SIGTERM));
        interruption.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(5));

        Assert.That(() => interruption.RunAsync(() => Task.FromCanceled(interruption.Token)), Throws.TypeOf<PlatformException>().With.Message.StartsWith("Stopped by SIGTERM"));
    }

    // An interrupted Apply says what Terraform changed before it stopped: that stays in the one line.
    [Test]
    public void What_an_interrupted_step_says_it_left_is_kept_in_the_line()
    {
        using var interruption = new Interruption(_ => { }, listen: false);
        interruption.OnSignal(new PosixSignalContext(PosixSignal.SIGINT));
        interruption.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(5));

        Assert.That(
            () => interruption.RunAsync(() => Task.FromException(new SaidCancellation("Terraform changed terraform_data.host[1]."))),
            Throws.TypeOf<PlatformException>().With.Message.StartsWith("Stopped by SIGINT").And.Message.EndsWith(" Terraform changed terraform_data.host[1]."));
    }

    private sealed class SaidCancellation(string message) : OperationCanceledException(message);

    [Test]
    public void The_same_signal_delivered_twice_at_once_counts_once()
    {
        using var interruption = new Interruption(_ => { }, listen: false);
        var at = DateTime.UtcNow;
        var fromSender = new PosixSignalContext(PosixSignal.SIGTERM);
        var forwarded = new PosixSignalContext(PosixSignal.SIGTERM);

        interruption.OnSignal(fromSender, at);
        interruption.OnSignal(forwarded, at.AddMilliseconds(3));

        Assert.That(forwarded.Cancel, Is.True, "the dotnet host's forwarded copy does not end the process");
        Assert.That(() => interruption.ThrowIfInterrupted("Verify"), Throws.TypeOf<PlatformException>().With.Message.EqualTo("Stopped by SIGTERM before Verify."));
    }

    [Test]
    public void SIGTERM_is_handled_like_Ctrl_C()
    {
        using var interruption = new Interruption(_ => { }, listen: false);
        var term = new PosixSignalContext(PosixSignal.SIGTERM);

        interruption.OnSignal(term);

        Assert.That(interruption.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(term.Cancel, Is.True);
    }

    // build.sh and the dotnet host killed outright (SIGKILL) leave Cake orphaned: it stops as on SIGTERM rather than
    // finishing a roll nobody watches. A parent that stays is no reason to stop.
    [Test]
    public void A_run_whose_parent_process_ends_stops_as_on_a_signal_and_one_whose_parent_stays_goes_on()
    {
        var parent = 4242;
        var said = new List<string>();
        using var orphaned = new Interruption(said.Add, () => Volatile.Read(ref parent), TimeSpan.FromMilliseconds(20));
        using var watched = new Interruption(_ => { }, () => 4242, TimeSpan.FromMilliseconds(20));

        Assert.That(orphaned.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200)), Is.False, "the parent is still there");
        Volatile.Write(ref parent, 1); // reparented to init
        var stopped = orphaned.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(5));

        Assert.That(stopped, Is.True);
        Assert.That(said, Has.Count.EqualTo(1).And.Some.Contains("Stopping on the end of the process that started this run (pid 4242)"));
        Assert.That(() => orphaned.ThrowIfInterrupted("RollNode"), Throws.TypeOf<PlatformException>().With.Message.EqualTo("Stopped by the end of the process that started this run (pid 4242) before RollNode."));
        Assert.That(watched.Token.IsCancellationRequested, Is.False);
    }
}
