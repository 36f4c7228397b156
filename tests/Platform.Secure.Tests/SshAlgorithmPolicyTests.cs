using Renci.SshNet;

namespace Platform.Secure.Tests;

public sealed class SshAlgorithmPolicyTests
{
    private static ConnectionInfo Fresh() => new("127.0.0.1", 22, "root", new PasswordAuthenticationMethod("root", "x"));

    private static ConnectionInfo Applied()
    {
        var info = Fresh();
        SshAlgorithmPolicy.Apply(info);
        return info;
    }

    [Test]
    public void Key_exchange_prefers_ml_kem_then_curve25519_and_keeps_sntrup761_last()
    {
        var order = Applied().KeyExchangeAlgorithms.Keys.ToList();
        Assert.That(order[0], Is.EqualTo("mlkem768x25519-sha256"));
        Assert.That(order[1], Is.EqualTo("curve25519-sha256"));
        Assert.That(order[^2..], Is.EqualTo(new[] { "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com" }));
    }

    [Test]
    public void Ciphers_start_with_aes_gcm_and_exclude_cbc_and_3des()
    {
        var order = Applied().Encryptions.Keys.ToList();
        Assert.That(order[0], Is.EqualTo("aes128-gcm@openssh.com"));
        Assert.That(order, Has.None.Contains("cbc"));
        Assert.That(order[^1], Is.EqualTo("chacha20-poly1305@openssh.com"));
    }

    [Test]
    public void Nothing_offered_relies_on_sha1()
    {
        var info = Applied();
        string[] offered = [.. info.KeyExchangeAlgorithms.Keys, .. info.HmacAlgorithms.Keys, .. info.HostKeyAlgorithms.Keys];
        Assert.That(offered, Has.None.EndsWith("-sha1").And.None.Contains("sha1-").And.None.Contains("group1-"));
        Assert.That(info.HostKeyAlgorithms.Keys, Has.None.EqualTo("ssh-rsa").And.None.EqualTo("ssh-rsa-cert-v01@openssh.com"));
        Assert.That(info.HmacAlgorithms.Keys, Has.None.Contains("sha1"));
    }

    // Hosts are trusted by their pinned plain key: a host certificate type is never negotiated (HostCertificateTests shows why).
    [Test]
    public void No_host_certificate_type_is_offered()
    {
        var offered = Applied().HostKeyAlgorithms.Keys;

        Assert.That(offered, Has.None.EndsWith("-cert-v01@openssh.com"));
        Assert.That(offered, Does.Contain("ssh-ed25519"), "the type the hosts' pinned keys have");
    }

    // A misspelt name would silently drop an algorithm: every name in the policy is one SSH.NET implements.
    [Test]
    public void Every_allowed_algorithm_is_one_ssh_net_implements()
    {
        var all = Fresh();
        Assert.Multiple(() =>
        {
            Assert.That(SshAlgorithmPolicy.KeyExchange, Is.SubsetOf(all.KeyExchangeAlgorithms.Keys));
            Assert.That(SshAlgorithmPolicy.Encryption, Is.SubsetOf(all.Encryptions.Keys));
            Assert.That(SshAlgorithmPolicy.Mac, Is.SubsetOf(all.HmacAlgorithms.Keys));
            Assert.That(SshAlgorithmPolicy.HostKey, Is.SubsetOf(all.HostKeyAlgorithms.Keys));
        });
        var applied = Applied();
        Assert.That(applied.Encryptions.Keys, Is.EqualTo(SshAlgorithmPolicy.Encryption), "the policy's order, nothing else");
    }
}
