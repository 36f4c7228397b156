using Platform.Core;

namespace Platform.Core.Tests;

public sealed class SecretRedactorTests
{
    [Test]
    public void Registered_values_are_masked_everywhere()
    {
        var redactor = new SecretRedactor();
        redactor.Register("s3cr3t-value");

        Assert.That(redactor.Redact("a s3cr3t-value and s3cr3t-value"), Is.EqualTo("a *** and ***"));
    }

    [Test]
    public void Private_key_blocks_are_masked()
    {
        var text = "before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\nafter";

        var redacted = new SecretRedactor().Redact(text);

        Assert.That(redacted, Does.Not.Contain("b3BlbnNzaC1rZXktdjEAAAAA").And.Contain("before").And.Contain("after"));
    }

    [TestCase("token hvs.CAESIJlWc3Hx8l3bC2N0Yz0Z1aA2b3c4d5e6 used", "hvs.")]
    [TestCase("Host=x;Password=hunter2hunter;Database=y", "hunter2hunter")]
    public void Token_and_password_shapes_are_masked(string text, string secret) =>
        Assert.That(new SecretRedactor().Redact(text), Does.Not.Contain(secret));

    [Test]
    public void Redacting_reporter_masks_before_the_inner_reporter_sees_it()
    {
        var redactor = new SecretRedactor();
        var inner = new Platform.TestSupport.RecordingReporter();
        redactor.Register("pa55word-xyz");

        new RedactingReporter(inner, redactor).Info("connecting with pa55word-xyz");

        Assert.That(inner.Text, Does.Not.Contain("pa55word-xyz").And.Contain("***"));
    }
}
