using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

public sealed class SshCertificatesTests
{
    private string _root = null!;

    [SetUp]
    public void Scratch() => _root = RepositoryRoot.NewScratch("sshcerts");

    [TearDown]
    public void Remove() => RepositoryRoot.RemoveScratch(_root);

    private SshCertificates For(string settings)
    {
        Directory.CreateDirectory(Path.Combine(_root, "infra", "certs"));
        File.WriteAllText(Path.Combine(_root, "infra", "certs", "platform.json"), settings);
        var arguments = RunArguments.From(new Dictionary<string, string> { ["environment"] = "certs" });
        return SshCertificates.For(RunContext.FromArguments(_root, arguments, false, new RecordingReporter()));
    }

    [Test]
    public void The_ttl_is_read_in_minutes() =>
        Assert.That(For("""{ "sshCertificates": { "enabled": true, "ttlMinutes": 5 } }"""), Is.EqualTo(new SshCertificates(true, TimeSpan.FromMinutes(5))));

    [Test]
    public void Without_a_ttl_certificates_last_30_minutes() =>
        Assert.That(For("""{ "sshCertificates": { "enabled": true } }""").Ttl, Is.EqualTo(TimeSpan.FromMinutes(30)));

    [TestCase("\"5m\"")]
    [TestCase("2.5")]
    public void A_ttl_that_is_not_a_whole_number_of_minutes_is_refused_not_replaced_by_the_default(string ttl)
    {
        var error = Assert.Throws<PlatformException>(() => For($$"""{ "sshCertificates": { "enabled": true, "ttlMinutes": {{ttl}} } }"""));

        Assert.That(error!.Message, Does.Contain("sshCertificates.ttlMinutes").And.Contain("1 to 1440"));
    }
}
