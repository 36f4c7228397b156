using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

/// <summary>A change that happened is recorded even after Ctrl+C, and locally when the lb host cannot be had.</summary>
public sealed class AuditLogRecordTests
{
    private string _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = RepositoryRoot.NewScratch("audit-record");

    [TearDown]
    public void RemoveScratch() => RepositoryRoot.RemoveScratch(_scratch);

    private RunContext Run(RecordingReporter reporter, CancellationToken cancellation) =>
        new(new EnvironmentLayout(RepositoryRoot.Path, "local", Path.Combine(_scratch, "state"), Path.Combine(_scratch, "artifacts")), RunArguments.Empty, checkMode: false, reporter, cancellation);

    [Test]
    public async Task A_run_interrupted_after_its_change_still_records_it_locally_when_the_lb_cannot_be_had()
    {
        var reporter = new RecordingReporter();
        var run = Run(reporter, new CancellationToken(canceled: true));

        // As opening a session with the run's cancelled token would: the change is done, its record must not be lost.
        await AuditLog.RecordAsync(run, _ => throw new OperationCanceledException(), "2026-11-27T10:00:00Z operator=jane target=ContractDb");

        Assert.That(await File.ReadAllTextAsync(run.Layout.AuditLogFile), Is.EqualTo("2026-11-27T10:00:00Z operator=jane target=ContractDb\n"));
        Assert.That(reporter.Text, Does.Contain($"The lb host is unreachable; the audit line is written locally only, to {run.Layout.AuditLogFile}"));
    }

    [Test]
    public async Task The_lb_is_asked_with_a_token_of_its_own_not_the_cancelled_run_token()
    {
        var run = Run(new RecordingReporter(), new CancellationToken(canceled: true));
        CancellationToken given = default;

        await AuditLog.RecordAsync(run, token => { given = token; return Task.FromResult<HostSession?>(null); }, "line");

        Assert.That(given.CanBeCanceled && !given.IsCancellationRequested, Is.True, "a live cleanup token, bounded in time");
        Assert.That(await File.ReadAllTextAsync(run.Layout.AuditLogFile), Is.EqualTo("line\n"));
    }
}
