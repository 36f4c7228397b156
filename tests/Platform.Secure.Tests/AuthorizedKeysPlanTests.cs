using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

public sealed class AuthorizedKeysPlanTests
{
    private string _dir = null!;
    private Operator _alice = null!;
    private Operator _deploy = null!;
    private OpenSshPublicKey _stranger = null!;

    [OneTimeSetUp]
    public async Task MakeKeys()
    {
        _dir = RepositoryRoot.NewScratch("akplan");
        _alice = new Operator { Name = "alice", PublicKey = (await SshKeygen.NewKeyAsync(_dir, "alice")).Public.KeyText, AddedAt = DateTimeOffset.UnixEpoch };
        _deploy = new Operator { Name = "deploy", PublicKey = (await SshKeygen.NewKeyAsync(_dir, "deploy")).Public.KeyText, AddedAt = DateTimeOffset.UnixEpoch };
        _stranger = (await SshKeygen.NewKeyAsync(_dir, "stranger")).Public;
    }

    [OneTimeTearDown]
    public void Remove() => RepositoryRoot.RemoveScratch(_dir);

    [Test]
    public void Exactly_the_circle_is_ok()
    {
        var circle = new[] { _deploy, _alice };
        var current = AuthorizedKeysPlan.For(null, circle).Desired;

        var plan = AuthorizedKeysPlan.For(current, circle);

        Assert.That(plan.Changes, Is.False);
        Assert.That(plan.Describe(), Is.EqualTo("ok"));
        Assert.That(current, Is.EqualTo(_alice.AuthorizedKeysLine + "\n" + _deploy.AuthorizedKeysLine + "\n"), "sorted by operator name");
    }

    // carol expired yesterday: sshd refuses her line already, so a Verify before the next SeedKeys finds no drift in it.
    [Test]
    public void A_line_whose_expiry_passed_is_left_out_of_the_comparison_and_named()
    {
        var now = new DateTimeOffset(2030, 6, 2, 12, 0, 0, TimeSpan.Zero);
        var carol = new Operator { Name = "carol", PublicKey = _stranger.KeyText, AddedAt = DateTimeOffset.UnixEpoch, ExpiresAt = now.AddDays(-1) };
        var seeded = AuthorizedKeysPlan.For(null, [_deploy, _alice, carol]).Desired;

        var (current, expired) = AuthorizedKeysPlan.WithoutExpired(seeded, now);

        Assert.That(expired, Is.EqualTo(new[] { "carol" }));
        Assert.That(AuthorizedKeysPlan.For(current, [_deploy, _alice]).Changes, Is.False, "exactly the circle once her line is set aside");
        var (later, none) = AuthorizedKeysPlan.WithoutExpired(seeded, now.AddDays(-2));
        Assert.That(none, Is.Empty, "before her expiry her line counts");
        Assert.That(AuthorizedKeysPlan.For(later, [_deploy, _alice]).Removed, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_key_whose_owner_or_expiry_changes_is_reported()
    {
        var before = AuthorizedKeysPlan.For(null, [_deploy, _alice]).Desired;
        // alice's key now belongs to carol, with an expiry: the same fingerprint, another line.
        var carol = _alice with { Name = "carol", ExpiresAt = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };

        var plan = AuthorizedKeysPlan.For(before, [_deploy, carol]);

        Assert.That(plan.Changes, Is.True);
        Assert.That(plan.Added, Is.Empty);
        Assert.That(plan.Updated, Is.EqualTo(new[] { $"{_alice.Key.Fingerprint} (carol)" }));
        Assert.That(plan.Describe(), Is.EqualTo($"~{_alice.Key.Fingerprint} (carol): its owner or expiry changed"));
    }

    [Test]
    public void Missing_members_are_added_and_strangers_are_drift()
    {
        var current = _deploy.AuthorizedKeysLine + "\n" + "no-pty " + _stranger + "\n";

        var plan = AuthorizedKeysPlan.For(current, [_deploy, _alice]);

        Assert.That(plan.Added, Is.EqualTo(new[] { $"{_alice.Key.Fingerprint} (alice)" }));
        Assert.That(plan.Removed.Single(), Does.StartWith(_stranger.Fingerprint).And.Contain("(not in the circle"));
        Assert.That(plan.Describe(), Does.Contain("+" + _alice.Key.Fingerprint).And.Contain("-" + _stranger.Fingerprint));
    }

    // An option value may quote (with \") text that looks like a circle key: the line's key is the one after the options.
    [Test]
    public void A_stranger_behind_options_quoting_a_circle_key_is_drift_by_its_own_fingerprint()
    {
        var current = $"command=\"echo \\\" {_deploy.Key.KeyText} \\\"\",no-pty {_stranger}\n";

        var plan = AuthorizedKeysPlan.For(current, [_deploy]);

        Assert.That(plan.UnreadableLines, Is.Zero);
        Assert.That(plan.Added, Is.EqualTo(new[] { $"{_deploy.Key.Fingerprint} (deploy)" }));
        Assert.That(plan.Removed.Single(), Does.StartWith(_stranger.Fingerprint));
    }

    [Test]
    public void A_circle_key_with_escaped_quotes_in_its_options_is_recognised()
    {
        var current = $"command=\"printf '\\\"%s' x\",no-pty {_deploy.Key.KeyText} deploy\n";

        var plan = AuthorizedKeysPlan.For(current, [_deploy]);

        Assert.That((plan.UnreadableLines, plan.Added, plan.Removed), Is.EqualTo((0, Array.Empty<string>(), Array.Empty<string>())));
        Assert.That(plan.Updated, Is.EqualTo(new[] { $"{_deploy.Key.Fingerprint} (deploy)" }), "its options go: the line changes");
    }

    [Test]
    public void The_description_never_contains_key_bodies()
    {
        var plan = AuthorizedKeysPlan.For(_stranger.ToString(), [_deploy, _alice]);

        Assert.That(plan.Describe(), Does.Not.Contain(_stranger.Base64).And.Not.Contain(_alice.Key.Base64));
    }

    [Test]
    public void Garbage_lines_are_removed_and_counted()
    {
        var plan = AuthorizedKeysPlan.For(_deploy.AuthorizedKeysLine + "\nthis is not a key\n", [_deploy]);

        Assert.That(plan.Changes);
        Assert.That(plan.UnreadableLines, Is.EqualTo(1));
        Assert.That(plan.Describe(), Does.Contain("unreadable"));
    }

    [Test]
    public void A_key_two_operators_hold_is_written_once_with_the_longest_trust()
    {
        var expiring = _alice with { Name = "aardvark", ExpiresAt = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero) };

        var plan = AuthorizedKeysPlan.For(null, [_deploy, expiring, _alice]);

        Assert.That(plan.Desired, Is.EqualTo(_alice.AuthorizedKeysLine + "\n" + _deploy.AuthorizedKeysLine + "\n"));
    }
}
