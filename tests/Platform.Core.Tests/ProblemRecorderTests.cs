using Platform.Core;
using Platform.TestSupport;

namespace Platform.Core.Tests;

public sealed class ProblemRecorderTests
{
    [Test]
    public void Keeps_warnings_and_errors_redacted_and_passes_every_line_on()
    {
        var console = new RecordingReporter();
        var run = new RunContext(new EnvironmentLayout("/nonexistent", "local"), RunArguments.Empty, false, console);
        run.Redactor.Register("hunter2-password");

        run.Reporter.Info("[start] web-1: changed");
        run.Reporter.Warn("[discover] web-1: record damaged");
        run.Reporter.Error("[roll] web-2: failed (password hunter2-password refused)");
        run.Reporter.Verbose("SSH connected");

        Assert.That(run.Problems.Problems, Is.EqualTo(new[] { "WARN [discover] web-1: record damaged", "ERROR [roll] web-2: failed (password *** refused)" }));
        Assert.That(console.Lines, Has.Count.EqualTo(4));
    }

    [Test]
    public void Keeps_only_the_first_ones_of_a_run_that_fails_everywhere()
    {
        var recorder = new ProblemRecorder(new RecordingReporter());

        for (var i = 0; i < ProblemRecorder.Limit + 5; i++)
        {
            recorder.Error($"[roll] web-{i}: failed");
        }

        Assert.That(recorder.Problems, Has.Count.EqualTo(ProblemRecorder.Limit));
        Assert.That(recorder.Problems[0], Is.EqualTo("ERROR [roll] web-0: failed"));
    }
}
