using System.Globalization;
using Platform.Core;
using Platform.Secrets;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

/// <summary>
/// The trusted circle on a real local environment: onboarded keys get in everywhere after
/// SeedKeys, revoked keys are refused everywhere, hand-added keys are drift and removed, a host
/// with a changed host key is refused, and certificate mode lets short-lived certificates in.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class TrustedCircleTests
{
    private LocalEnvironment _env = null!;
    private string _keys = null!;
    private (string PrivateFile, OpenSshPublicKey Public) _alice;

    [OneTimeSetUp]
    public async Task Apply()
    {
        _env = await LocalEnvironment.ApplyAsync("secure", appNodes: 2, TestContext.Progress);
        _keys = Path.Combine(_env.Scratch, "operator-keys");
        Directory.CreateDirectory(_keys);
        _alice = await SshKeygen.NewKeyAsync(_keys, "alice");
    }

    [OneTimeTearDown]
    public async Task Cleanup() => await _env.DisposeAsync();

    private RunContext Run(params (string Key, string Value)[] args) => _env.NewRun(args.ToDictionary(a => a.Key, a => a.Value));

    private async Task<bool> CanLogInAsync(InventoryHost host, SshCredentials credentials)
    {
        try
        {
            await using var session = await HostSession.OpenAsync(host, new SshConnector(credentials));
            return (await session.RunCheckedAsync("echo in", "echo")).Trim() == "in";
        }
        catch (PlatformException ex) when (ex.InnerException is Renci.SshNet.Common.SshAuthenticationException)
        {
            // Only sshd refusing these credentials is "cannot log in": a host that is down or unreachable
            // fails the test instead of passing a check that a key is kept out.
            return false;
        }
    }

    [Test]
    public async Task Onboarded_key_gets_in_everywhere_and_revoked_key_nowhere()
    {
        // With an expiry: sshd itself stops taking the key then (expiry-time), and takes it until then.
        await new OperatorSteps(Run(("operator", "alice"), ("key", _alice.PrivateFile + ".pub"), ("expires", "2099-12-31"))).OnboardAsync();
        var revoked = false;
        try
        {
            var recap = await new SeedKeysStep(Run()).RunAsync();

            Assert.That(recap.Total(Outcome.Changed), Is.EqualTo(_env.Inventory.Hosts.Count));
            Assert.That(await File.ReadAllTextAsync(_env.Inventory.Hosts[0].AuthorizedKeysFile), Does.Contain($"expiry-time=\"2100010100") .And.Contain($"{_alice.Public.KeyText} alice"));
            foreach (var host in _env.Inventory.Hosts)
            {
                Assert.That(await CanLogInAsync(host, new SshCredentials(_alice.PrivateFile)), Is.True, host.Name);
            }

            Assert.That((await new SeedKeysStep(Run()).RunAsync()).Total(Outcome.Ok), Is.EqualTo(_env.Inventory.Hosts.Count), "second run: nothing to do");

            await new OperatorSteps(Run(("operator", "alice"))).RevokeAsync();
            revoked = true;
            await new SeedKeysStep(Run()).RunAsync();

            foreach (var host in _env.Inventory.Hosts)
            {
                Assert.That(await CanLogInAsync(host, new SshCredentials(_alice.PrivateFile)), Is.False, host.Name);
            }
        }
        finally
        {
            // The tests after this one expect alice out of the circle, whatever failed above.
            if (!revoked)
            {
                await new OperatorSteps(Run(("operator", "alice"))).RevokeAsync();
                await new SeedKeysStep(Run()).RunAsync();
            }
        }
    }

    // Stopped (Ctrl+C) once a host changed: every host either took the whole change, proven, or none of it, and the
    // hosts that changed are on record (an interrupted SeedKeys used to change hosts with no audit line).
    [Test]
    public async Task A_seedkeys_stopped_part_way_records_the_hosts_it_changed_and_leaves_none_half_done()
    {
        var carol = await SshKeygen.NewKeyAsync(_keys, "carol");
        await new OperatorSteps(Run(("operator", "carol"), ("key", carol.PrivateFile + ".pub"))).OnboardAsync();
        try
        {
            using var stop = new CancellationTokenSource();
            var run = _env.NewRun(reporter: new RecordingReporter(new CancelOnLine(": changed (", stop)), cancellation: stop.Token);

            Assert.That(async () => await new SeedKeysStep(run).RunAsync(), Throws.InstanceOf<OperationCanceledException>());

            var audit = File.ReadAllLines(run.Layout.AuditLogFile)[^1];
            Assert.That(audit, Does.Contain("target=SeedKeys version=- result=interrupted"));
            var changed = audit.Split(" changed=")[1].Split(' ')[0].Split(',');
            foreach (var host in _env.Inventory.Hosts)
            {
                var hasCarol = (await File.ReadAllTextAsync(host.AuthorizedKeysFile)).Contains(carol.Public.Base64, StringComparison.Ordinal);
                Assert.That(hasCarol, Is.EqualTo(changed.Contains(host.Name)), $"{host.Name}: changed exactly when on record ({audit})");
                if (hasCarol)
                {
                    Assert.That(await CanLogInAsync(host, new SshCredentials(carol.PrivateFile)), Is.True, host.Name);
                }
            }
        }
        finally
        {
            await new OperatorSteps(Run(("operator", "carol"))).RevokeAsync();
            await new SeedKeysStep(Run()).RunAsync();
        }
    }

    [Test]
    public async Task A_key_added_by_hand_is_reported_as_drift_and_removed()
    {
        await new SeedKeysStep(Run()).RunAsync();
        var stranger = await SshKeygen.NewKeyAsync(_keys, "stranger-" + Guid.NewGuid().ToString("N")[..6]);
        var web1 = _env.Inventory.Host("web-1");
        await File.AppendAllTextAsync(web1.AuthorizedKeysFile, stranger.Public + "\n");
        var reporter = new RecordingReporter();
        var run = _env.NewRun(reporter: reporter);

        var recap = await new SeedKeysStep(run).RunAsync();

        var audit = File.ReadAllLines(run.Layout.AuditLogFile)[^1];
        Assert.That(audit, Does.Contain("target=SeedKeys version=- result=succeeded subject=").And.Match(@" subject=([\w-]+,)*deploy(,[\w-]+)* changed=web-1$"), "who pushed which circle, and where it changed");
        Assert.That(File.ReadAllLines(Path.Combine(_env.Inventory.Host("lb").BaseDir, "audit.log"))[^1], Is.EqualTo(audit), "the lb host keeps the same line");
        Assert.That(recap.Count("web-1", Outcome.Changed), Is.EqualTo(1));
        Assert.That(recap.Count("web-2", Outcome.Ok), Is.EqualTo(1));
        Assert.That(reporter.Text, Does.Contain($"web-1: changed (-{stranger.Public.Fingerprint} (not in the circle"));
        Assert.That(await File.ReadAllTextAsync(web1.AuthorizedKeysFile), Does.Not.Contain(stranger.Public.Base64));
        Assert.That(File.GetUnixFileMode(web1.AuthorizedKeysFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(await CanLogInAsync(web1, new SshCredentials(stranger.PrivateFile)), Is.False);
    }

    // Debian's sshd reads authorized_keys2 beside the circle's file unless told otherwise: a key left there by someone
    // trusted once would outlive their Revoke with every host reporting "ok".
    [Test]
    public async Task An_authorized_keys2_beside_the_circles_file_is_drift_and_removed()
    {
        await new SeedKeysStep(Run()).RunAsync();
        var stranger = await SshKeygen.NewKeyAsync(_keys, "stranger-" + Guid.NewGuid().ToString("N")[..6]);
        var web2 = _env.Inventory.Host("web-2");
        var second = web2.SecondAuthorizedKeysFile!;
        await File.WriteAllTextAsync(second, stranger.Public + "\n");
        var reporter = new RecordingReporter();

        var recap = await new SeedKeysStep(_env.NewRun(reporter: reporter)).RunAsync();

        Assert.That(recap.Count("web-2", Outcome.Changed), Is.EqualTo(1));
        Assert.That(reporter.Text, Does.Contain($"web-2: changed (-{second} (sshd reads it too"));
        Assert.That(File.Exists(second), Is.False);
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(second)!, "authorized_keys2*"), Is.Empty, "nothing kept aside once the login was proven without it");
        Assert.That((await new SeedKeysStep(Run()).RunAsync()).Count("web-2", Outcome.Ok), Is.EqualTo(1), "nothing left to do");
    }

    [Test]
    public async Task A_deploy_key_file_swapped_for_a_key_no_host_takes_is_not_registered()
    {
        var keyFile = Run().Layout.DeployKeyFile;
        var original = (await File.ReadAllBytesAsync(keyFile), await File.ReadAllBytesAsync(keyFile + ".pub"));
        var registered = (await new OperatorRegistry(SecretStoreFactory.Create(Run())).ListAsync()).Single(o => o.Name == "deploy").Key.Fingerprint;
        var stranger = await SshKeygen.NewKeyAsync(_keys, "swap-" + Guid.NewGuid().ToString("N")[..6]);
        try
        {
            File.Copy(stranger.PrivateFile, keyFile, overwrite: true);
            File.Copy(stranger.PrivateFile + ".pub", keyFile + ".pub", overwrite: true);

            var error = await Assert.ThrowsAsync<PlatformException>(() => new SeedKeysStep(Run()).RunAsync());

            Assert.That(error!.Message, Does.Contain($"holds {stranger.Public.Fingerprint}, not the registered deploy key {registered}").And.Contain("Replacing the deploy key").And.Contain("Nothing was changed"));
            Assert.That((await new OperatorRegistry(SecretStoreFactory.Create(Run())).ListAsync()).Single(o => o.Name == "deploy").Key.Fingerprint, Is.EqualTo(registered));
        }
        finally
        {
            await File.WriteAllBytesAsync(keyFile, original.Item1);
            await File.WriteAllBytesAsync(keyFile + ".pub", original.Item2);
        }

        await new SeedKeysStep(Run()).RunAsync();
    }

    [Test]
    public async Task Dry_run_shows_the_change_and_changes_nothing()
    {
        await new SeedKeysStep(Run()).RunAsync();
        var stranger = await SshKeygen.NewKeyAsync(_keys, "dry-" + Guid.NewGuid().ToString("N")[..6]);
        var web2 = _env.Inventory.Host("web-2");
        await File.AppendAllTextAsync(web2.AuthorizedKeysFile, stranger.Public + "\n");
        var before = await File.ReadAllTextAsync(web2.AuthorizedKeysFile);
        var reporter = new RecordingReporter();
        var audit = Run().Layout.AuditLogFile;
        var lines = File.Exists(audit) ? File.ReadAllLines(audit).Length : 0;

        try
        {
            await new SeedKeysStep(_env.NewRun(checkMode: true, reporter: reporter)).RunAsync();

            Assert.That(reporter.Text, Does.Contain("web-2: would change"));
            Assert.That(File.Exists(audit) ? File.ReadAllLines(audit).Length : 0, Is.EqualTo(lines), "a dry run is not audited");
            Assert.That(await File.ReadAllTextAsync(web2.AuthorizedKeysFile), Is.EqualTo(before));
        }
        finally
        {
            await new SeedKeysStep(Run()).RunAsync(); // the stranger's key goes again
        }
    }

    // A host whose own policy refuses the new circle (here sshd asks a program for the keys, which refuses every
    // key once the circle names 'lockout'): the check login after the write fails, and the old file goes back.
    [Test]
    public async Task A_circle_the_host_then_refuses_is_put_back_as_it_was_and_platform_still_gets_in()
    {
        if (Environment.UserName != "root")
        {
            Assert.Ignore("sshd runs an AuthorizedKeysCommand only from root-owned folders, which a test run as another user cannot make");
        }

        await new SeedKeysStep(Run()).RunAsync();
        var web1 = _env.Inventory.Host("web-1");
        var hostDir = Path.GetDirectoryName(web1.AuthorizedKeysFile)!;
        var config = Path.Combine(hostDir, "sshd_config");
        var original = await File.ReadAllTextAsync(config);
        var before = await File.ReadAllTextAsync(web1.AuthorizedKeysFile);
        // Not under the repository: sshd refuses a program below a folder others may write to (such as /tmp).
        var policy = Directory.CreateDirectory($"/run/platform-test-keys-{Guid.NewGuid():N}").FullName;
        var program = Path.Combine(policy, "keys");
        await File.WriteAllTextAsync(program, $"#!/bin/sh\ngrep -q ' lockout$' '{web1.AuthorizedKeysFile}' && exit 0\nexec cat '{web1.AuthorizedKeysFile}'\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var lockout = await SshKeygen.NewKeyAsync(_keys, "lockout-" + Guid.NewGuid().ToString("N")[..6]);
        var reporter = new RecordingReporter();
        var commands = new CommandRunner(reporter, new SecretRedactor());
        try
        {
            var asking = original.Replace($"AuthorizedKeysFile {hostDir}/authorized_keys", $"AuthorizedKeysFile none\nAuthorizedKeysCommand {program}\nAuthorizedKeysCommandUser root", StringComparison.Ordinal);
            Assert.That(asking, Is.Not.EqualTo(original), "the host's sshd_config names its authorized_keys as host-up.sh writes it");
            await File.WriteAllTextAsync(config, asking);
            await ReloadSshdAsync(web1, hostDir, commands);
            await new OperatorSteps(Run(("operator", "lockout"), ("key", lockout.PrivateFile + ".pub"))).OnboardAsync();

            var error = await Assert.ThrowsAsync<PlatformException>(() => new SeedKeysStep(_env.NewRun(reporter: reporter)).RunAsync());

            Assert.That(error!.Message, Does.Contain("SeedKeys failed on: web-1"));
            Assert.That(reporter.Text, Does.Contain("web-1: failed: after the change a new login failed").And.Contain("the previous files were restored"));
            Assert.That(await File.ReadAllTextAsync(web1.AuthorizedKeysFile), Is.EqualTo(before), "byte for byte");
            Assert.That(await CanLogInAsync(web1, new SshCredentials(Path.Combine(_env.StateDir, "keys", "id_ed25519"))), Is.True, "Platform still gets in");
            Assert.That(await File.ReadAllTextAsync(_env.Inventory.Host("web-2").AuthorizedKeysFile), Does.Contain(" lockout"), "the other hosts are done");
        }
        finally
        {
            await new OperatorSteps(Run(("operator", "lockout"))).RevokeAsync();
            await File.WriteAllTextAsync(config, original);
            await ReloadSshdAsync(web1, hostDir, commands);
            await new SeedKeysStep(Run()).RunAsync();
            Directory.Delete(policy, recursive: true);
        }
    }

    [Test]
    public async Task A_host_whose_host_key_changed_is_refused_naming_both_fingerprints()
    {
        var web2 = _env.Inventory.Host("web-2");
        var hostDir = Path.GetDirectoryName(web2.AuthorizedKeysFile)!;
        var keyFile = Path.Combine(hostDir, "ssh_host_ed25519_key");
        var backup = Path.Combine(_keys, "web2-host-key-backup");
        File.Copy(keyFile, backup, overwrite: true);
        File.Copy(keyFile + ".pub", backup + ".pub", overwrite: true);
        var reporter = new RecordingReporter();
        try
        {
            File.Delete(keyFile);
            File.Delete(keyFile + ".pub");
            var commands = new CommandRunner(reporter, new SecretRedactor());
            await SshKeygen.NewPairAsync(keyFile);
            var newFingerprint = OpenSshPublicKey.Parse(await File.ReadAllTextAsync(keyFile + ".pub"), "new").Fingerprint;
            await ReloadSshdAsync(web2, hostDir, commands);

            var error = await Assert.ThrowsAsync<PlatformException>(() => new SeedKeysStep(_env.NewRun(reporter: reporter)).RunAsync());

            Assert.That(error!.Message, Does.Contain("web-2"));
            Assert.That(reporter.Text, Does.Contain("web-2: failed").And.Contain(web2.HostKeyFingerprint).And.Contain(newFingerprint));
            Assert.That(reporter.Text, Does.Contain("web-1: ok"), "the other hosts are done");
        }
        finally
        {
            File.Copy(backup, keyFile, overwrite: true);
            File.Copy(backup + ".pub", keyFile + ".pub", overwrite: true);
            await ReloadSshdAsync(web2, hostDir, new CommandRunner(reporter, new SecretRedactor()));
        }
    }

    [Test]
    public async Task Certificate_mode_lets_short_lived_certificates_in_and_refuses_expired_ones()
    {
        var certRun = Run(("ssh-certificates", "true"));
        await new SeedKeysStep(certRun).RunAsync();
        var restored = false;
        try
        {
            var ci = await SshKeygen.NewKeyAsync(_keys, "ci-" + Guid.NewGuid().ToString("N")[..6]);
            var authority = new LocalCertificateAuthority(SecretStoreFactory.Create(certRun), certRun.Commands, _keys);
            var host = _env.Inventory.Host("web-1");
            var user = host.SshUser;
            Assert.That(await CanLogInAsync(host, new SshCredentials(ci.PrivateFile)), Is.False, "not in the circle");

            await File.WriteAllTextAsync(ci.PrivateFile + "-cert.pub", await authority.SignAsync(ci.Public, user, TimeSpan.FromMinutes(5), "test"));
            Assert.That(await CanLogInAsync(host, new SshCredentials(ci.PrivateFile, ci.PrivateFile + "-cert.pub")), Is.True, "valid certificate");

            await File.WriteAllTextAsync(ci.PrivateFile + "-cert.pub", await authority.SignAsync(ci.Public, user, "20200101", "20200102", "test-expired"));
            Assert.That(await CanLogInAsync(host, new SshCredentials(ci.PrivateFile, ci.PrivateFile + "-cert.pub")), Is.False, "expired certificate");

            await File.WriteAllTextAsync(ci.PrivateFile + "-cert.pub", await authority.SignAsync(ci.Public, "someone-else", TimeSpan.FromMinutes(5), "test-principal"));
            Assert.That(await CanLogInAsync(host, new SshCredentials(ci.PrivateFile, ci.PrivateFile + "-cert.pub")), Is.False, "principal is not the SSH user");

            // Back to plain keys: the CA is no longer trusted.
            await new SeedKeysStep(Run(("ssh-certificates", "false"))).RunAsync();
            restored = true;
            await File.WriteAllTextAsync(ci.PrivateFile + "-cert.pub", await authority.SignAsync(ci.Public, user, TimeSpan.FromMinutes(5), "test-after"));
            Assert.That(await CanLogInAsync(host, new SshCredentials(ci.PrivateFile, ci.PrivateFile + "-cert.pub")), Is.False, "CA removed");
        }
        finally
        {
            // The tests after this one expect plain keys, whatever failed above.
            if (!restored)
            {
                await new SeedKeysStep(Run(("ssh-certificates", "false"))).RunAsync();
            }
        }
    }

    [Test]
    public async Task No_private_key_text_appears_in_any_output()
    {
        var reporter = new RecordingReporter();
        var bob = await SshKeygen.NewKeyAsync(_keys, "bob-" + Guid.NewGuid().ToString("N")[..6]);
        var run = _env.NewRun(new Dictionary<string, string> { ["operator"] = "bob", ["key"] = bob.PrivateFile }, reporter: reporter);
        var error = await Assert.ThrowsAsync<PlatformException>(() => new OperatorSteps(run).OnboardAsync());
        reporter.Error(error!.Message);
        await new OperatorSteps(_env.NewRun(new Dictionary<string, string> { ["operator"] = "bob", ["key"] = bob.PrivateFile + ".pub" }, reporter: reporter)).OnboardAsync();
        try
        {
            await new SeedKeysStep(_env.NewRun(new Dictionary<string, string> { ["ssh-certificates"] = "true" }, reporter: reporter)).RunAsync();
            await new OperatorSteps(_env.NewRun(reporter: reporter)).ListAsync();

            var secrets = new[] { bob.PrivateFile, Path.Combine(_env.StateDir, "keys", "id_ed25519") }
                .Select(f => File.ReadAllText(f).Split('\n')[1])
                .ToList();
            foreach (var line in secrets)
            {
                Assert.That(_env.Reporter.Text + reporter.Text, Does.Not.Contain(line));
            }

            Assert.That(reporter.Text, Does.Not.Contain("PRIVATE KEY-----").And.Not.Contain(bob.Public.Base64));
            Assert.That(reporter.Text, Does.Contain(bob.Public.Fingerprint));
        }
        finally
        {
            // The tests after this one expect plain keys and no bob, whatever failed above.
            await new OperatorSteps(Run(("operator", "bob"))).RevokeAsync();
            await new SeedKeysStep(Run(("ssh-certificates", "false"))).RunAsync();
        }
    }

    /// <summary>
    /// SIGHUPs the host's sshd and waits until it offers the host key now on disk: sshd re-executes
    /// itself and listens again, which on a busy machine can take longer than any fixed pause.
    /// </summary>
    private static async Task ReloadSshdAsync(InventoryHost host, string hostDir, CommandRunner commands)
    {
        var key = (await File.ReadAllTextAsync(Path.Combine(hostDir, "ssh_host_ed25519_key.pub"))).Split(' ')[1];
        ProcessSignal.SendToPidFile("HUP", Path.Combine(hostDir, "sshd.pid"));
        await Poll.UntilAsync(
            async () => (await commands.RunAsync("ssh-keyscan", ["-T", "2", "-t", "ed25519", "-p", host.SshPort.ToString(CultureInfo.InvariantCulture), host.Address], new CommandOptions { AllowFailure = true }))
                .StandardOutput.Contains(key, StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(100),
            $"sshd of {host.Name} did not offer its new host key within 20 s of SIGHUP");
    }
}
