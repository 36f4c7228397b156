using Microsoft.Extensions.Time.Testing;
using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

public sealed class OperatorRegistryTests
{
    private static readonly DateTimeOffset Today = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private string _dir = null!;
    private OpenSshPublicKey _alice = null!;
    private OpenSshPublicKey _bob = null!;

    [OneTimeSetUp]
    public async Task MakeKeys()
    {
        _dir = RepositoryRoot.NewScratch("registry");
        _alice = (await SshKeygen.NewKeyAsync(_dir, "alice")).Public;
        _bob = (await SshKeygen.NewKeyAsync(_dir, "bob")).Public;
    }

    [OneTimeTearDown]
    public void Remove() => RepositoryRoot.RemoveScratch(_dir);

    private static (OperatorRegistry Registry, InMemorySecretStore Store, FakeTimeProvider Clock) NewRegistry()
    {
        var store = new InMemorySecretStore();
        var clock = new FakeTimeProvider(Today);
        return (new OperatorRegistry(store, clock), store, clock);
    }

    [Test]
    public async Task Onboarded_operator_is_listed_and_in_the_circle()
    {
        var (registry, _, _) = NewRegistry();

        await registry.SaveAsync(await registry.PrepareOnboardAsync("alice", _alice, null, "tester"));

        var alice = (await registry.ActiveAsync()).Single();
        Assert.That(alice.Name, Is.EqualTo("alice"));
        Assert.That(alice.Key.Fingerprint, Is.EqualTo(_alice.Fingerprint));
        Assert.That(alice.AuthorizedKeysLine, Is.EqualTo(_alice.KeyText + " alice"));
    }

    [Test]
    public void An_operator_who_expires_gets_sshds_own_expiry_on_the_line_and_terraform_the_plain_key()
    {
        var bob = new Operator { Name = "bob", PublicKey = _alice.KeyText, AddedAt = DateTimeOffset.UnixEpoch, ExpiresAt = DateTimeOffset.Parse("2027-03-01T00:00:00+01:00", System.Globalization.CultureInfo.InvariantCulture) };

        Assert.That(bob.AuthorizedKeysLine, Is.EqualTo($"expiry-time=\"202702282300Z\" {_alice.KeyText} bob"), "in UTC, as sshd reads a trailing Z");
        Assert.That(bob.PublicKeyLine, Is.EqualTo($"{_alice.KeyText} bob"), "a cloud's key resource takes no options");
        Assert.That(OpenSshPublicKey.TryParseLine(bob.AuthorizedKeysLine, out var key, out _), Is.True);
        Assert.That(key!.Fingerprint, Is.EqualTo(_alice.Fingerprint), "SeedKeys still reads it as bob's key");
    }

    [Test]
    public async Task New_hosts_are_created_with_the_operators_who_never_expire()
    {
        var (registry, _, _) = NewRegistry();
        await registry.SaveAsync(await registry.PrepareOnboardAsync("alice", _alice, null, "tester"));
        await registry.SaveAsync(await registry.PrepareOnboardAsync("bob", _bob, Today.AddDays(7), "tester"));

        var keys = await registry.CreationKeysAsync();

        Assert.That(keys, Is.EqualTo(new[] { $"{_alice.KeyText} alice" }), "bob's week comes with SeedKeys' expiry-time, not as a key without one");
        Assert.That((await registry.ActiveAsync()).Select(o => o.Name), Is.EquivalentTo(new[] { "alice", "bob" }));
    }

    [Test]
    public async Task Duplicate_name_is_refused_and_nothing_is_written()
    {
        var (registry, store, _) = NewRegistry();
        await registry.SaveAsync(await registry.PrepareOnboardAsync("alice", _alice, null, "t"));
        var writes = store.Writes;

        var error = await Assert.ThrowsAsync<PlatformException>(() => registry.PrepareOnboardAsync("alice", _bob, null, "t"));

        Assert.That(error!.Message, Does.Contain("'alice' already exists").And.Contain("Rotate"));
        Assert.That(store.Writes, Is.EqualTo(writes));
    }

    [Test]
    public async Task Duplicate_key_is_refused_naming_its_owner()
    {
        var (registry, _, _) = NewRegistry();
        await registry.SaveAsync(await registry.PrepareOnboardAsync("alice", _alice, null, "t"));

        var error = await Assert.ThrowsAsync<PlatformException>(() => registry.PrepareOnboardAsync("mallory", _alice, null, "t"));

        Assert.That(error!.Message, Does.Contain(_alice.Fingerprint).And.Contain("'alice'"));
    }

    [Test]
    public async Task Expiry_in_the_past_is_refused()
    {
        var (registry, _, _) = NewRegistry();

        var error = await Assert.ThrowsAsync<PlatformException>(() => registry.PrepareOnboardAsync("alice", _alice, Today.AddDays(-1), "t"));

        Assert.That(error!.Message, Does.Contain("in the past"));
    }

    [Test]
    public async Task Expired_operators_leave_the_circle()
    {
        var (registry, _, clock) = NewRegistry();
        await registry.SaveAsync(await registry.PrepareOnboardAsync("alice", _alice, Today.AddDays(2), "t"));
        await registry.SaveAsync(await registry.PrepareOnboardAsync("bob", _bob, null, "t"));

        clock.SetUtcNow(Today.AddDays(3));

        Assert.That((await registry.ActiveAsync()).Select(o => o.Name), Is.EqualTo(new[] { "bob" }));
        Assert.That((await registry.ListAsync()).Select(o => o.Name), Is.EqualTo(new[] { "alice", "bob" }), "still listed, marked expired");

        // Onboarding her again points to the way back (Rotate would keep her expired), and Revoke then Onboard works.
        var again = await Assert.ThrowsAsync<PlatformException>(() => registry.PrepareOnboardAsync("alice", _alice, null, "t"));
        Assert.That(again!.Message, Does.Contain($"'alice' exists but expired on {Today.AddDays(2):yyyy-MM-dd}").And.Contain("Revoke them (--operator=alice), then Onboard").And.Not.Contain("Use Rotate"));
        await registry.RemoveAsync((await registry.PrepareRevokeAsync("alice")).Name);
        await registry.SaveAsync(await registry.PrepareOnboardAsync("alice", _alice, null, "t"));
        Assert.That((await registry.ActiveAsync()).Select(o => o.Name), Is.EquivalentTo(new[] { "alice", "bob" }));
    }

    [Test]
    public async Task A_record_whose_name_is_not_its_key_is_refused_so_it_cannot_smuggle_a_second_authorized_keys_line()
    {
        var (registry, store, _) = NewRegistry();
        var alice = await registry.PrepareOnboardAsync("alice", _alice, null, "t");
        // Edited by hand in the store: the name (written as the line's comment) carries another key.
        var forged = System.Text.Json.JsonSerializer.Serialize(alice with { Name = "alice\n" + _bob.KeyText + " hidden" }, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        await store.SetAsync("operators/alice", forged);

        var error = await Assert.ThrowsAsync<PlatformException>(() => registry.ActiveAsync());

        Assert.That(error!.Message, Does.Contain("operators/alice").And.Not.Contain(_bob.Base64));
    }

    [Test]
    public async Task A_record_that_is_not_json_is_reported_naming_its_entry()
    {
        var (registry, store, _) = NewRegistry();
        await store.SetAsync("operators/alice", "{not json");

        var error = await Assert.ThrowsAsync<PlatformException>(() => registry.ListAsync());

        Assert.That(error!.Message, Does.Contain("operators/alice"));
    }

    [Test]
    public async Task Revoking_an_unknown_operator_lists_the_known_ones()
    {
        var (registry, _, _) = NewRegistry();
        await registry.SaveAsync(await registry.PrepareOnboardAsync("alice", _alice, null, "t"));

        var error = await Assert.ThrowsAsync<PlatformException>(() => registry.PrepareRevokeAsync("carol"));

        Assert.That(error!.Message, Does.Contain("'carol'").And.Contain("alice"));
    }

    [Test]
    public async Task The_deploy_identity_cannot_be_revoked() =>
        Assert.That(
            (await Assert.ThrowsAsync<PlatformException>(() => NewRegistry().Registry.PrepareRevokeAsync("deploy")))!.Message,
            Does.Contain("lock the pipeline out").And.Contain("Replacing the deploy key"));

    // SeedKeys registers 'deploy' from the key file it logs in with: a Rotate would be silently undone.
    [Test]
    public async Task The_deploy_identity_is_not_rotated_here_but_by_its_key_file() =>
        Assert.That(
            (await Assert.ThrowsAsync<PlatformException>(() => NewRegistry().Registry.PrepareRotateAsync("deploy", _alice)))!.Message,
            Does.Contain("every SeedKeys registers that key again").And.Contain("Replacing the deploy key").And.Contain("Nothing was changed"));

    [Test]
    public async Task Rotation_to_the_same_key_or_to_anothers_key_is_refused()
    {
        var (registry, _, _) = NewRegistry();
        await registry.SaveAsync(await registry.PrepareOnboardAsync("alice", _alice, null, "t"));
        await registry.SaveAsync(await registry.PrepareOnboardAsync("bob", _bob, null, "t"));

        Assert.That((await Assert.ThrowsAsync<PlatformException>(() => registry.PrepareRotateAsync("alice", _alice)))!.Message, Does.Contain("already the key"));
        Assert.That((await Assert.ThrowsAsync<PlatformException>(() => registry.PrepareRotateAsync("alice", _bob)))!.Message, Does.Contain("belongs to operator 'bob'"));
    }

    [Test]
    public async Task Rotation_replaces_the_key_and_keeps_the_record()
    {
        var (registry, _, clock) = NewRegistry();
        await registry.SaveAsync(await registry.PrepareOnboardAsync("alice", _alice, Today.AddDays(30), "t"));
        var carol = (await SshKeygen.NewKeyAsync(_dir, "carol-" + Guid.NewGuid().ToString("N")[..6])).Public;
        clock.Advance(TimeSpan.FromDays(1));

        await registry.SaveAsync(await registry.PrepareRotateAsync("alice", carol));

        var alice = (await registry.ListAsync()).Single();
        Assert.That(alice.Key.Fingerprint, Is.EqualTo(carol.Fingerprint));
        Assert.That(alice.AddedAt, Is.EqualTo(Today), "still when alice joined");
        Assert.That(alice.RotatedAt, Is.EqualTo(Today.AddDays(1)));
        Assert.That(alice.ExpiresAt, Is.EqualTo(Today.AddDays(30)), "a rotation keeps the expiry");
    }

    [TestCase("Alice")]
    [TestCase("a b")]
    [TestCase("../x")]
    [TestCase("")]
    public async Task Invalid_names_are_refused(string name) =>
        Assert.That((await Assert.ThrowsAsync<PlatformException>(() => NewRegistry().Registry.PrepareOnboardAsync(name, _alice, null, "t")))!.Message, Does.Contain("--operator="));

    [Test]
    public void Expiry_dates_mean_through_that_day_utc()
    {
        Assert.That(OperatorRegistry.ParseExpiry("2027-03-01"), Is.EqualTo(new DateTimeOffset(2027, 3, 2, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(OperatorRegistry.ParseExpiry("2027-03-01T10:00:00Z"), Is.EqualTo(new DateTimeOffset(2027, 3, 1, 10, 0, 0, TimeSpan.Zero)));
        Assert.That(OperatorRegistry.ParseExpiry(null), Is.Null);
        Assert.That(() => OperatorRegistry.ParseExpiry("next week"), Throws.TypeOf<PlatformException>().With.Message.Contains("YYYY-MM-DD"));
    }

    [Test]
    public void An_expiry_reads_back_as_it_was_given()
    {
        Assert.That(OperatorRegistry.DescribeExpiry(OperatorRegistry.ParseExpiry("2027-06-30")!.Value), Is.EqualTo("through 2027-06-30 (UTC)"));
        Assert.That(OperatorRegistry.DescribeExpiry(OperatorRegistry.ParseExpiry("2027-06-30T10:30:00Z")!.Value), Is.EqualTo("until 2027-06-30 10:30 UTC"));
    }

    [Test]
    public async Task Deploy_identity_is_registered_once_and_updated_when_its_key_changes()
    {
        var (registry, store, _) = NewRegistry();
        var first = await SshKeygen.NewKeyAsync(_dir, "deploy1-" + Guid.NewGuid().ToString("N")[..6]);
        var identity = DeployIdentity.Load(first.PrivateFile);

        Assert.That(await registry.EnsureDeployOperatorAsync(identity), Is.True);
        Assert.That(await registry.EnsureDeployOperatorAsync(identity), Is.False);

        var second = DeployIdentity.Load((await SshKeygen.NewKeyAsync(_dir, "deploy2-" + Guid.NewGuid().ToString("N")[..6])).PrivateFile);
        Assert.That(await registry.EnsureDeployOperatorAsync(second), Is.True);
        Assert.That((await registry.ActiveAsync()).Single().Key.Fingerprint, Is.EqualTo(second.PublicKey.Fingerprint));
    }

    [Test]
    public async Task Deploy_registered_with_the_key_deploy_next_still_holds_gives_one_authorized_keys_line()
    {
        var (registry, _, _) = NewRegistry();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await registry.EnsureDeployOperatorAsync(DeployIdentity.Load((await SshKeygen.NewKeyAsync(_dir, "deploy-old-" + suffix)).PrivateFile));
        var next = await SshKeygen.NewKeyAsync(_dir, "deploy-next-" + suffix);
        await registry.SaveAsync(await registry.PrepareOnboardAsync("deploy-next", next.Public, null, "tester"));

        // README "Replacing the deploy key", a SeedKeys (or Deploy) between steps 2 and 3: the key file is now
        // deploy-next's key, so it is registered as 'deploy' while deploy-next still holds it.
        Assert.That(await registry.EnsureDeployOperatorAsync(DeployIdentity.Load(next.PrivateFile)), Is.True);
        var plan = AuthorizedKeysPlan.For(null, await registry.ActiveAsync());

        Assert.That(plan.Desired, Is.EqualTo(next.Public.KeyText + " deploy\n"));
        Assert.That(plan.Added, Is.EqualTo(new[] { $"{next.Public.Fingerprint} (deploy)" }));
    }
}
