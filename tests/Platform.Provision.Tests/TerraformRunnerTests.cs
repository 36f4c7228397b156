using Platform.Core;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

/// <summary>What Platform says when Terraform finds its state locked by another run.</summary>
public sealed class TerraformRunnerTests
{
    // Terraform's words for a local state whose lock another apply holds.
    private const string LockedOutput = """

        Error: Error acquiring the state lock

        Error message: resource temporarily unavailable
        Lock Info:
          ID:        5d5c4f8e-1c1d-2a9e-0f43-7a0e5b1e2c3d
          Path:      /repo/.platform/local/terraform.tfstate
          Operation: OperationTypeApply
          Who:       root@laptop
          Version:   1.11.4
          Created:   2026-11-27 04:00:00 +0000 UTC
          Info:

        Terraform acquires a state lock to protect the state from being written
        by multiple users at the same time. Please resolve the issue above and try
        again. For most commands, you can disable locking with the "-lock=false"
        flag, but this is not recommended.
        """;

    [Test]
    public void A_state_lock_clash_names_the_lock_to_release_and_not_lock_false()
    {
        var message = TerraformRunner.StateLockClash(LockedOutput, "local", "/repo/infra/local", "/repo/.platform/local/terraform");

        Assert.That(message, Does.StartWith("Another Terraform run holds the state lock of 'local'").And.Contain("Nothing was changed"));
        Assert.That(message, Does.Contain("release it from /repo/infra/local with: TF_DATA_DIR=/repo/.platform/local/terraform terraform force-unlock 5d5c4f8e-1c1d-2a9e-0f43-7a0e5b1e2c3d"));
        Assert.That(message, Does.Contain("-lock=false does not apply"));
    }

    // Shown as it comes, less the advice: the clash message above says what to do instead.
    [Test]
    public async Task Terraforms_streamed_output_leaves_out_its_lock_false_advice_and_keeps_the_rest()
    {
        var reporter = new RecordingReporter();
        var runner = new CommandRunner(reporter, new SecretRedactor());

        var result = await runner.RunAsync("cat", [], new CommandOptions { Input = LockedOutput, Stream = true, StreamedLine = TerraformRunner.WithoutLockFalseAdvice });

        Assert.That(reporter.Text, Does.Not.Contain("-lock=false").And.Not.Contain("not recommended"));
        Assert.That(reporter.Text, Does.Contain("by multiple users at the same time. Please resolve the issue above and try").And.Contain("again.").And.Contain("5d5c4f8e-1c1d-2a9e-0f43-7a0e5b1e2c3d"));
        Assert.That(result.StandardOutput, Does.Contain("\"-lock=false\""), "the output as it came, for the clash message");
    }

    [Test]
    public void Other_failures_are_no_lock_clash()
    {
        Assert.That(TerraformRunner.StateLockClash("Error: Invalid value for variable\n  ID: x", "local", "/i", "/d"), Is.Null);
        Assert.That(TerraformRunner.StateLockClash("Error: Error acquiring the state lock\n\nError message: pq: could not obtain lock", "local-pg", "/i", "/d"), Does.Contain("its lock goes with its connection"), "no lock ID: nothing to force-unlock");
    }
}
