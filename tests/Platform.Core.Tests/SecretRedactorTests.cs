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

    // Output read line by line (a command's, streamed) or cut to its last lines (an error's tail) holds a registered
    // key only in pieces, without its BEGIN line.
    [Test]
    public void Each_line_of_a_registered_key_is_masked_on_its_own()
    {
        var redactor = new SecretRedactor();
        const string body1 = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW";
        const string body2 = "QyNTUxOQAAACDdvZ6sNq8o0mK4rM1Y9uWqvB3vYt1Q0n6kS2m4Yd5rVgAAAJgz8Q2sM/EN";
        redactor.Register($"-----BEGIN OPENSSH PRIVATE KEY-----\n{body1}\n{body2}\n-----END OPENSSH PRIVATE KEY-----\n");

        Assert.That(redactor.Redact(body2), Is.EqualTo("***"));
        Assert.That(redactor.Redact($"tail: {body1}\n{body2}\n-----END OPENSSH PRIVATE KEY-----"), Does.Not.Contain(body1[..20]).And.Not.Contain(body2[..20]));
        Assert.That(redactor.Redact("-----END OPENSSH PRIVATE KEY-----"), Is.EqualTo("-----END OPENSSH PRIVATE KEY-----"), "a key's frame is no secret");
    }

    // A JSON secret's lines with spaces are common text elsewhere; an address with a port is no password.
    [Test]
    public void Ordinary_lines_of_a_registered_json_secret_and_ports_stay_readable()
    {
        var redactor = new SecretRedactor();
        redactor.Register("{\n  \"type\": \"service_account\",\n  \"private_key_id\": \"b3BlbnNzaC1rZXktdjEAAAAABG5vbmU\"\n}");

        Assert.That(redactor.Redact("  \"type\": \"service_account\","), Is.EqualTo("  \"type\": \"service_account\","));
        Assert.That(redactor.Redact("Vault at http://127.0.0.1:8200/v1/sys/health"), Is.EqualTo("Vault at http://127.0.0.1:8200/v1/sys/health"));
    }

    [TestCase("token hvs.CAESIJlWc3Hx8l3bC2N0Yz0Z1aA2b3c4d5e6 used", "hvs.")]
    [TestCase("Host=x;Password=hunter2hunter;Database=y", "hunter2hunter")]
    [TestCase("could not reach postgres://catalog:hunter2hunter@127.0.10.20:5432/catalog", "hunter2hunter")]
    [TestCase("VAULT_ADDR=https://ops:s3cr3tpass@vault.example/ refused", "s3cr3tpass")]
    [TestCase("connecting to redis://:hunter2pass@127.0.0.1:6379", "hunter2pass")]
    [TestCase("state in postgres://tf:pa@ss-word@db.internal/state", "pa@ss-word")]
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
