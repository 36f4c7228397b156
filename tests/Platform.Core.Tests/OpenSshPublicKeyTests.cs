using Platform.Core;
using Platform.TestSupport;

namespace Platform.Core.Tests;

public sealed class OpenSshPublicKeyTests
{
    private string _scratch = null!;

    [OneTimeSetUp]
    public void Scratch() => _scratch = RepositoryRoot.NewScratch("sshkeys");

    [OneTimeTearDown]
    public void Remove() => RepositoryRoot.RemoveScratch(_scratch);

    private async Task<(string PublicKey, string Fingerprint, string PrivateKey)> KeygenAsync(string type, int? bits = null)
    {
        var file = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        await SshKeygen.NewPairAsync(file, type, "alice@laptop", bits);
        var fingerprint = await SshKeygen.FingerprintAsync(file + ".pub");
        return (await File.ReadAllTextAsync(file + ".pub"), fingerprint, await File.ReadAllTextAsync(file));
    }

    [TestCase("ed25519")]
    [TestCase("ecdsa")]
    [TestCase("rsa", 3072)]
    public async Task Fingerprint_matches_ssh_keygen(string type, int? bits = null)
    {
        var generated = await KeygenAsync(type, bits);

        var key = OpenSshPublicKey.Parse(generated.PublicKey, "alice.pub");

        Assert.That(key.Fingerprint, Is.EqualTo(generated.Fingerprint));
        Assert.That(key.Comment, Is.EqualTo("alice@laptop"));
    }

    [TestCase("command=\"/bin/sh -c 'true'\",from=\"*\" ")]
    [TestCase("restrict ")]
    [TestCase("junk words ")]
    [TestCase("command=\"echo \\\"a b\\\"\",no-pty ")]
    public async Task A_key_file_with_options_before_the_key_is_refused_not_stripped(string options)
    {
        var generated = await KeygenAsync("ed25519");

        var error = Assert.Throws<PlatformException>(() => OpenSshPublicKey.Parse(options + generated.PublicKey, "bob.pub"));

        Assert.That(error!.Message, Does.StartWith("bob.pub has options or other words before its key type (ssh-ed25519)").And.Not.Contain(generated.PublicKey.Split(' ')[1]));
    }

    [Test]
    public async Task A_private_key_is_refused_without_echoing_it()
    {
        var generated = await KeygenAsync("ed25519");

        var error = Assert.Throws<PlatformException>(() => OpenSshPublicKey.Parse(generated.PrivateKey, "id_ed25519"));

        Assert.That(error!.Message, Does.Contain("PRIVATE key").And.Contain("id_ed25519"));
        var body = generated.PrivateKey.Split('\n')[1];
        Assert.That(error.Message, Does.Not.Contain(body));
    }

    [Test]
    public async Task Short_rsa_keys_are_refused()
    {
        var generated = await KeygenAsync("rsa", 1024);

        Assert.That(() => OpenSshPublicKey.Parse(generated.PublicKey, "old.pub"), Throws.TypeOf<PlatformException>().With.Message.Contains("2048"));
    }

    [TestCase("hello world", "no known key type")]
    [TestCase("ssh-ed25519 not-base64!!", "base64")]
    [TestCase("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ==", "does not hold a ssh-ed25519 key")]
    [TestCase("ssh-dss AAAAB3NzaC1kc3M= x", "DSA")]
    [TestCase("ssh-ed25519-cert-v01@openssh.com AAAA x", "certificate")]
    public void Text_that_is_not_a_public_key_is_refused_naming_the_source(string text, string reason)
    {
        var error = Assert.Throws<PlatformException>(() => OpenSshPublicKey.Parse(text, "key.pub"));

        Assert.That(error!.Message, Does.Contain("key.pub").And.Contain(reason));
    }

    [Test]
    public async Task Authorized_keys_lines_with_options_parse_to_the_same_key()
    {
        var generated = await KeygenAsync("ed25519");
        var line = "from=\"127.0.0.1\",command=\"echo a b\" " + generated.PublicKey.Trim();

        Assert.That(OpenSshPublicKey.TryParseLine(line, out var key, out _), Is.True);
        Assert.That(key!.Fingerprint, Is.EqualTo(generated.Fingerprint));
    }

    // sshd(8): a quoted option value may hold blanks and \" quotes. Each line here fooled a reader that toggled on every quote.
    [TestCase("command=\"echo \\\"a b\\\"\",no-pty ")]
    [TestCase("command=\"printf '\\\"%s' x\" ")]
    [TestCase("restrict,command=\"sh -c \\\"echo \\\\\\\" x\\\"\" ")]
    public async Task Options_with_escaped_quotes_and_blanks_parse_to_the_key_after_them(string options)
    {
        var generated = await KeygenAsync("ed25519");

        Assert.That(OpenSshPublicKey.TryParseLine(options + generated.PublicKey.Trim(), out var key, out var error), Is.True, error);
        Assert.That((key!.Fingerprint, key.Comment), Is.EqualTo((generated.Fingerprint, "alice@laptop")));
    }

    [Test]
    public async Task A_key_inside_an_option_value_is_never_taken_for_the_line_s_key()
    {
        var decoy = await KeygenAsync("ed25519");
        var real = await KeygenAsync("ed25519");
        var decoyKey = string.Join(' ', decoy.PublicKey.Split(' ')[..2]);
        var line = $"command=\"echo \\\" {decoyKey} \\\"\" {real.PublicKey.Trim()}";

        Assert.That(OpenSshPublicKey.TryParseLine(line, out var key, out _), Is.True);
        Assert.That(key!.Fingerprint, Is.EqualTo(real.Fingerprint));
    }

    [Test]
    public async Task An_option_whose_quote_is_never_closed_is_not_read_as_a_key()
    {
        var generated = await KeygenAsync("ed25519");

        Assert.That(OpenSshPublicKey.TryParseLine("command=\"echo \\\"a " + generated.PublicKey.Trim(), out _, out var error), Is.False);
        Assert.That(error, Does.Contain("not closed").And.Not.Contain(generated.PublicKey.Split(' ')[1]));
    }

    [Test]
    public void Two_keys_in_one_file_are_refused() =>
        Assert.That(
            () => OpenSshPublicKey.Parse("ssh-ed25519 AAAA a\nssh-ed25519 BBBB b", "two.pub"),
            Throws.TypeOf<PlatformException>().With.Message.Contains("exactly one"));
}
