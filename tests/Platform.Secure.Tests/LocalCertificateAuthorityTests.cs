using Platform.Core;
using Platform.Secrets;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

public sealed class LocalCertificateAuthorityTests
{
    private const string PrivateKeyEntry = "ssh-ca/private-key";
    private const string PublicKeyEntry = "ssh-ca/public-key";

    private readonly CommandRunner _commands = new(new RecordingReporter(), new SecretRedactor());
    private string _dir = null!;

    [SetUp]
    public void Scratch() => _dir = RepositoryRoot.NewScratch("localca");

    [TearDown]
    public void Remove() => RepositoryRoot.RemoveScratch(_dir);

    private string SecretsDir => Path.Combine(_dir, "secrets");

    private string KeysDir => Path.Combine(_dir, "keys");

    // Each run of the environment has its own store and authority over the same folders, as two processes would.
    private LocalCertificateAuthority NewRunsAuthority() => new(new FileSecretStore(SecretsDir), _commands, KeysDir);

    [Test]
    public async Task First_runs_starting_at_once_share_one_ca()
    {
        var authorities = Enumerable.Range(0, 4).Select(_ => NewRunsAuthority()).ToList();

        var keys = await Task.WhenAll(authorities.Select(a => a.PublicKeyAsync()));

        var store = new FileSecretStore(SecretsDir);
        var stored = await store.ReadAsync(PublicKeyEntry);
        Assert.That(keys.Select(k => k.KeyText).Distinct(), Is.EqualTo(new[] { OpenSshPublicKey.Parse(stored!.Value, "stored").KeyText }));
        Assert.That((stored.Version, (await store.ReadAsync(PrivateKeyEntry))!.Version), Is.EqualTo((1, 1)), "created once, never overwritten");
        Assert.That(await PublicKeyOfAsync((await store.GetAsync(PrivateKeyEntry))!), Is.EqualTo(keys[0].KeyText), "the private key is the public key's pair");
    }

    [Test]
    public async Task An_existing_ca_is_used_and_never_replaced()
    {
        var existing = Path.Combine(_dir, "existing-ca");
        await SshKeygen.NewPairAsync(existing, comment: "platform-user-ca");
        var store = new FileSecretStore(SecretsDir);
        await store.SetAsync(PrivateKeyEntry, await File.ReadAllTextAsync(existing));
        await store.SetAsync(PublicKeyEntry, (await File.ReadAllTextAsync(existing + ".pub")).Trim());
        var user = await SshKeygen.NewKeyAsync(_dir, "user");

        var authority = NewRunsAuthority();
        var key = await authority.PublicKeyAsync();
        var certificate = await authority.SignAsync(user.Public, "root", TimeSpan.FromMinutes(5), "test");

        Assert.That(key.KeyText, Is.EqualTo(OpenSshPublicKey.Parse(await File.ReadAllTextAsync(existing + ".pub"), "existing").KeyText));
        Assert.That((await DescribeAsync(certificate)).SigningCa, Is.EqualTo(key.Fingerprint));
        Assert.That((await store.ReadAsync(PublicKeyEntry))!.Version, Is.EqualTo(1));
    }

    // Backdated so that a host whose clock is a little behind takes a fresh certificate; still ending the TTL after signing.
    [Test]
    public async Task A_certificate_starts_five_minutes_before_its_signing_and_ends_its_ttl_after_it()
    {
        var user = await SshKeygen.NewKeyAsync(_dir, "user");
        var before = DateTime.Now;
        before = before.AddTicks(-(before.Ticks % TimeSpan.TicksPerSecond)); // ssh-keygen counts whole seconds

        var certificate = await NewRunsAuthority().SignAsync(user.Public, "root", TimeSpan.FromMinutes(30), "test");

        var after = DateTime.Now;
        var (_, from, to) = await DescribeAsync(certificate);
        Assert.That(from, Is.InRange(before.AddMinutes(-5), after.AddMinutes(-5)));
        Assert.That(to, Is.InRange(before.AddMinutes(30), after.AddMinutes(30)));
        Assert.That(SshCertificateValidity.ValidFrom(certificate).LocalDateTime, Is.EqualTo(from), "read as ssh-keygen reads it");
    }

    [Test]
    public async Task Each_certificate_has_a_serial_of_its_own_and_permits_no_forwarding()
    {
        var user = await SshKeygen.NewKeyAsync(_dir, "user");
        var authority = NewRunsAuthority();

        var first = await ListAsync(await authority.SignAsync(user.Public, "root", TimeSpan.FromMinutes(5), "test"));
        var second = await ListAsync(await authority.SignAsync(user.Public, "root", TimeSpan.FromMinutes(5), "test"));

        var serials = new[] { first, second }.Select(l => l.Single(x => x.StartsWith("Serial:", StringComparison.Ordinal))).ToList();
        Assert.That(serials.Distinct().Count(), Is.EqualTo(2), string.Join(" / ", serials));
        Assert.That(serials, Has.None.EqualTo("Serial: 0"));
        var extensions = first.SkipWhile(l => l != "Extensions:").Skip(1).TakeWhile(l => l.Length > 0).ToList();
        Assert.That(extensions, Does.Contain("permit-pty").And.None.Contains("forwarding"));
    }

    private async Task<List<string>> ListAsync(string certificate)
    {
        var file = Path.Combine(_dir, "cert-" + Guid.NewGuid().ToString("N") + "-cert.pub");
        await File.WriteAllTextAsync(file, certificate + "\n");
        return (await _commands.RunAsync("ssh-keygen", ["-L", "-f", file])).StandardOutput.Split('\n').Select(l => l.Trim()).ToList();
    }

    private async Task<string> PublicKeyOfAsync(string privateKey)
    {
        var file = Path.Combine(_dir, "check-" + Guid.NewGuid().ToString("N"));
        AtomicFile.WriteAllText(file, privateKey, AtomicFile.OwnerOnly);
        var line = (await _commands.RunAsync("ssh-keygen", ["-y", "-f", file])).StandardOutput.Trim().Split(' ');
        return $"{line[0]} {line[1]}";
    }

    // ssh-keygen -L: the certificate as sshd will read it.
    private async Task<(string SigningCa, DateTime From, DateTime To)> DescribeAsync(string certificate)
    {
        var file = Path.Combine(_dir, "cert-" + Guid.NewGuid().ToString("N") + "-cert.pub");
        await File.WriteAllTextAsync(file, certificate + "\n");
        var lines = (await _commands.RunAsync("ssh-keygen", ["-L", "-f", file])).StandardOutput.Split('\n').Select(l => l.Trim()).ToList();
        var ca = lines.Single(l => l.StartsWith("Signing CA:", StringComparison.Ordinal)).Split(' ')[3];
        var valid = lines.Single(l => l.StartsWith("Valid:", StringComparison.Ordinal)).Split(' ');
        return (ca, DateTime.Parse(valid[2], System.Globalization.CultureInfo.InvariantCulture), DateTime.Parse(valid[4], System.Globalization.CultureInfo.InvariantCulture));
    }
}
