using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secrets.Tests;

[TestFixture]
public sealed class VaultOptionsTests
{
    [Test]
    public void FromEnvironment_ReadsEveryVaultVariable()
    {
        var options = VaultOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["VAULT_ADDR"] = "https://vault.example:8200",
            ["VAULT_TOKEN"] = "hvs.SomeTokenValue0123456789abcdef",
            ["VAULT_ROLE_ID"] = "role-1",
            ["VAULT_SECRET_ID"] = "secret-1",
            ["VAULT_NAMESPACE"] = "team-a",
            ["VAULT_CACERT"] = "/etc/vault/ca.pem",
            ["VAULT_SKIP_VERIFY"] = "false",
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.Address, Is.EqualTo(new Uri("https://vault.example:8200")));
            Assert.That(options.Token, Is.EqualTo("hvs.SomeTokenValue0123456789abcdef"));
            Assert.That((options.RoleId, options.SecretId, options.HasAppRole), Is.EqualTo(("role-1", "secret-1", true)));
            Assert.That(options.Namespace, Is.EqualTo("team-a"));
            Assert.That(options.CaCertFile, Is.EqualTo("/etc/vault/ca.pem"));
            Assert.That(options.SkipVerify, Is.False);
            Assert.That((options.KvMount, options.SshMount, options.SshRole), Is.EqualTo(("secret", "ssh", "platform-deploy")));
            Assert.That(options.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.Retry.MaxAttempts, Is.EqualTo(3));
        }
    }

    [Test]
    public void NothingSet_NamesEveryMissingVariable()
    {
        var error = Assert.Throws<PlatformException>(() => VaultOptions.FromEnvironment(_ => null));

        Assert.That(error!.Message, Does.Contain("VAULT_ADDR, VAULT_TOKEN (or VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole)"));
    }

    [TestCase("VAULT_ROLE_ID", "VAULT_SECRET_ID")]
    [TestCase("VAULT_SECRET_ID", "VAULT_ROLE_ID")]
    public void HalfAnAppRolePair_NamesTheOtherHalf(string given, string missing)
    {
        var error = Assert.Throws<PlatformException>(() => VaultOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["VAULT_ADDR"] = "http://127.0.0.1:8200",
            [given] = "something-given",
        }));

        Assert.That(error!.Message, Does.Contain($"environment variable(s) {missing}.").And.Not.Contain("VAULT_ADDR,"));
    }

    [Test]
    public void EmptyVariables_CountAsUnset()
    {
        var error = Assert.Throws<PlatformException>(() => VaultOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["VAULT_ADDR"] = "",
            ["VAULT_TOKEN"] = "hvs.SomeTokenValue0123456789abcdef",
        }));

        Assert.That(error!.Message, Does.Contain("environment variable(s) VAULT_ADDR."));
    }

    [Test]
    public void AppRoleAlone_IsEnough()
    {
        var options = VaultOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["VAULT_ADDR"] = "http://127.0.0.1:8200",
            ["VAULT_ROLE_ID"] = "role-1",
            ["VAULT_SECRET_ID"] = "secret-1",
        });

        Assert.That((options.Token, options.HasAppRole), Is.EqualTo(((string?)null, true)));
    }

    [TestCase("vault.example:8200")]
    [TestCase("ftp://vault.example")]
    [TestCase("not a url")]
    public void InvalidAddress_IsRefused_NamingTheVariable(string address)
    {
        var error = Assert.Throws<PlatformException>(() => VaultOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["VAULT_ADDR"] = address,
            ["VAULT_TOKEN"] = "hvs.SomeTokenValue0123456789abcdef",
        }));

        Assert.That(error!.Message, Does.StartWith($"VAULT_ADDR={address} is not a valid Vault address"));
    }

    [Test]
    public void AnAddressWithCredentials_IsRefused_WithoutRepeatingThem()
    {
        var error = Assert.Throws<PlatformException>(() => VaultOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["VAULT_ADDR"] = "https://ops:s3cr3t-pass@vault.example:8200",
            ["VAULT_TOKEN"] = "hvs.SomeTokenValue0123456789abcdef",
        }));

        Assert.That(error!.Message, Does.StartWith("VAULT_ADDR holds a user name or password").And.Not.Contain("s3cr3t-pass"));
    }

    [TestCase("http://vault.example:8200", false)]
    [TestCase("http://10.0.0.5:8200", false)]
    [TestCase("http://127.0.0.1:8200", true)]
    [TestCase("http://localhost:8200", true)]
    [TestCase("https://vault.example:8200", true)]
    public void Http_is_taken_only_to_this_machine(string address, bool taken)
    {
        Func<VaultOptions> load = () => VaultOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["VAULT_ADDR"] = address,
            ["VAULT_TOKEN"] = "hvs.SomeTokenValue0123456789abcdef",
        });

        if (taken)
        {
            Assert.That(load().Address, Is.EqualTo(new Uri(address)));
        }
        else
        {
            Assert.That(() => load(), Throws.TypeOf<PlatformException>().With.Message.EqualTo($"VAULT_ADDR={address} sends Vault tokens in clear across the network: use https:// (a dev server on this machine may use http://127.0.0.1)."));
        }
    }

    [TestCase("1", true)]
    [TestCase("true", true)]
    [TestCase("T", true)]
    [TestCase("0", false)]
    [TestCase("false", false)]
    public void SkipVerify_ParsesLikeTheVaultCli(string value, bool expected)
    {
        Assert.That(Options(("VAULT_SKIP_VERIFY", value)).SkipVerify, Is.EqualTo(expected));
    }

    [Test]
    public void SkipVerify_OtherValues_AreRefused()
    {
        Assert.That(() => Options(("VAULT_SKIP_VERIFY", "yes")), Throws.InstanceOf<PlatformException>().With.Message.Contains("VAULT_SKIP_VERIFY=yes"));
    }

    [Test]
    public void ToString_HidesTheCredentials()
    {
        var options = Options(("VAULT_ROLE_ID", "role-visible"), ("VAULT_SECRET_ID", "secret-id-hidden-123"));

        var text = options.ToString();

        Assert.That(text, Does.Contain("http://127.0.0.1:8200").And.Contain("Auth = token approle"));
        Assert.That(text, Does.Not.Contain("hvs.SomeTokenValue").And.Not.Contain("secret-id-hidden-123"));
    }

    [Test]
    public void ClientRefuses_AnInvalidMount()
    {
        var options = Options() with { KvMount = "../sys" };

        Assert.That(() => new VaultClient(options, new RecordingReporter()), Throws.InstanceOf<PlatformException>().With.Message.Contains("KvMount '../sys'"));
    }

    [TestCase(30 * 60, "30m")]
    [TestCase(3600, "1h")]
    [TestCase(2 * 3600, "2h")]
    [TestCase(90, "90s")]
    [TestCase(0.2, "1s")]
    public void Durations_UseVaultsShortForm(double seconds, string expected)
    {
        Assert.That(VaultDuration.Format(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));
    }

    [Test]
    public void Lease_IsDueForRenewal_AtTwoThirds_AndExpiresAtItsEnd()
    {
        var start = DateTimeOffset.UnixEpoch;
        var lease = new VaultLease(TimeSpan.FromSeconds(90), true, start);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(lease.IsDueForRenewal(start.AddSeconds(59)), Is.False);
            Assert.That(lease.IsDueForRenewal(start.AddSeconds(60)), Is.True);
            Assert.That(lease.IsExpired(start.AddSeconds(89)), Is.False);
            Assert.That(lease.IsExpired(start.AddSeconds(90)), Is.True);
            Assert.That(new VaultLease(TimeSpan.Zero, true, start).IsDueForRenewal(start.AddDays(9)), Is.False, "a token without expiry");
            Assert.That(lease with { Renewable = false }, Has.Property(nameof(VaultLease.Expires)).True);
            Assert.That((lease with { Renewable = false }).IsDueForRenewal(start.AddSeconds(80)), Is.False);
        }
    }

    private static VaultOptions Options(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["VAULT_ADDR"] = "http://127.0.0.1:8200",
            ["VAULT_TOKEN"] = "hvs.SomeTokenValue0123456789abcdef",
        };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return VaultOptions.FromEnvironment(environment);
    }
}
