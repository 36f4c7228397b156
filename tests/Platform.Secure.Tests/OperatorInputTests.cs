using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

/// <summary>Onboard/Revoke/Rotate with bad input on the real local file store: clear error, nothing changed.</summary>
public sealed class OperatorInputTests
{
    private string _scratch = null!;

    [SetUp]
    public void Scratch() => _scratch = RepositoryRoot.NewScratch("opinput");

    [TearDown]
    public void Remove() => RepositoryRoot.RemoveScratch(_scratch);

    private RunContext Run(RecordingReporter reporter, params (string Key, string Value)[] args)
    {
        var all = args.ToDictionary(a => a.Key, a => a.Value);
        all["state-dir"] = Path.Combine(_scratch, "state");
        all["artifacts-dir"] = Path.Combine(_scratch, "artifacts");
        return RunContext.FromArguments(RepositoryRoot.Path, RunArguments.From(all), false, reporter);
    }

    private string[] SecretFiles() =>
        Directory.Exists(Path.Combine(_scratch, "state", "secrets"))
            ? Directory.GetFiles(Path.Combine(_scratch, "state", "secrets"), "*", SearchOption.AllDirectories)
            : [];

    [Test]
    public async Task A_private_key_is_refused_without_echoing_it_and_nothing_is_stored()
    {
        var key = await SshKeygen.NewKeyAsync(_scratch, "alice");
        var reporter = new RecordingReporter();

        var error = await Assert.ThrowsAsync<PlatformException>(() => new OperatorSteps(Run(reporter, ("operator", "alice"), ("key", key.PrivateFile))).OnboardAsync());

        Assert.That(error!.Message, Does.Contain("PRIVATE key").And.Contain("Nothing was changed"));
        Assert.That(error.Message, Does.Not.Contain(File.ReadAllText(key.PrivateFile).Split('\n')[1]));
        Assert.That(SecretFiles(), Is.Empty);
    }

    [Test]
    public async Task A_file_that_is_not_a_key_is_refused()
    {
        var file = Path.Combine(_scratch, "notes.txt");
        await File.WriteAllTextAsync(file, "just some notes\n");

        var error = await Assert.ThrowsAsync<PlatformException>(() => new OperatorSteps(Run(new RecordingReporter(), ("operator", "alice"), ("key", file))).OnboardAsync());

        Assert.That(error!.Message, Does.Contain("notes.txt").And.Contain("not an OpenSSH public key"));
        Assert.That(SecretFiles(), Is.Empty);
    }

    [Test]
    public async Task Missing_arguments_and_files_are_named()
    {
        Assert.That((await Assert.ThrowsAsync<PlatformException>(() => new OperatorSteps(Run(new RecordingReporter(), ("key", "x.pub"))).OnboardAsync()))!.Message, Does.Contain("--operator is required"));
        Assert.That((await Assert.ThrowsAsync<PlatformException>(() => new OperatorSteps(Run(new RecordingReporter(), ("operator", "alice"), ("key", "/nope/x.pub"))).OnboardAsync()))!.Message, Does.Contain("no such file"));
        Assert.That((await Assert.ThrowsAsync<PlatformException>(() => new OperatorSteps(Run(new RecordingReporter(), ("operator", "carol"))).RevokeAsync()))!.Message, Does.Contain("No operator named 'carol'"));
    }

    // alice's own key made the deploy key (a lost key's recovery): revoking alice leaves it in the circle as deploy's.
    [Test]
    public async Task Revoking_an_operator_whose_key_another_holds_says_that_the_key_stays()
    {
        var key = await SshKeygen.NewKeyAsync(_scratch, "alice");
        var reporter = new RecordingReporter();
        await new OperatorSteps(Run(reporter, ("operator", "alice"), ("key", key.PrivateFile + ".pub"))).OnboardAsync();
        var run = Run(reporter);
        Directory.CreateDirectory(Path.GetDirectoryName(run.Layout.DeployKeyFile)!);
        File.Copy(key.PrivateFile, run.Layout.DeployKeyFile);
        File.Copy(key.PrivateFile + ".pub", run.Layout.DeployKeyFile + ".pub");
        await new OperatorRegistry(Platform.Secrets.SecretStoreFactory.Create(run)).EnsureDeployOperatorAsync(await DeployIdentity.EnsureAsync(run));

        await new OperatorSteps(Run(reporter, ("operator", "alice"))).RevokeAsync();

        Assert.That(reporter.Text, Does.Contain($"Revoked alice ({key.Public.Fingerprint}), but the same key stays in the circle as deploy's"));
    }

    [Test]
    public async Task Onboard_list_and_revoke_print_fingerprints_never_key_bodies()
    {
        var key = await SshKeygen.NewKeyAsync(_scratch, "alice");
        var reporter = new RecordingReporter();

        await new OperatorSteps(Run(reporter, ("operator", "alice"), ("key", key.PrivateFile + ".pub"), ("expires", "2099-12-31"))).OnboardAsync();
        var listed = await new OperatorSteps(Run(reporter)).ListAsync();
        await new OperatorSteps(Run(reporter, ("operator", "alice"))).RevokeAsync();

        Assert.That(listed.Single().ExpiresAt, Is.EqualTo(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(reporter.Text, Does.Contain(key.Public.Fingerprint).And.Contain("ssh-ed25519"));
        Assert.That(reporter.Text, Does.Not.Contain(key.Public.Base64));
        Assert.That((await new OperatorSteps(Run(reporter)).ListAsync()), Is.Empty);
        Assert.That(reporter.Text, Does.Contain("trusted through 2099-12-31 (UTC)"));
    }

    [Test]
    public async Task Changes_of_the_circle_are_written_to_the_audit_log_by_fingerprint()
    {
        var key = await SshKeygen.NewKeyAsync(_scratch, "alice");
        var rotated = await SshKeygen.NewKeyAsync(_scratch, "alice-2");
        var reporter = new RecordingReporter();

        await new OperatorSteps(Run(reporter, ("operator", "alice"), ("key", key.PrivateFile + ".pub"), ("as", "bob"))).OnboardAsync();
        await new OperatorSteps(Run(reporter, ("operator", "alice"), ("key", rotated.PrivateFile + ".pub"), ("as", "bob"))).RotateAsync();
        await new OperatorSteps(Run(reporter, ("operator", "alice"), ("as", "carol"))).RevokeAsync();

        var lines = await File.ReadAllLinesAsync(Path.Combine(_scratch, "artifacts", "audit.log"));
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.EndWith($"operator=bob target=Onboard version=- result=succeeded subject=alice/{key.Public.Fingerprint}"));
        Assert.That(lines[1], Does.EndWith($"operator=bob target=Rotate version=- result=succeeded subject=alice/{rotated.Public.Fingerprint}"));
        Assert.That(lines[2], Does.EndWith($"operator=carol target=Revoke version=- result=succeeded subject=alice/{rotated.Public.Fingerprint}"));
        Assert.That(string.Join("\n", lines), Does.Not.Contain(key.Public.Base64));
    }

    [Test]
    public async Task Rotating_an_expired_operator_says_they_stay_expired()
    {
        var key = await SshKeygen.NewKeyAsync(_scratch, "erin");
        var rotated = await SshKeygen.NewKeyAsync(_scratch, "erin-2");
        var reporter = new RecordingReporter();
        var store = Platform.Secrets.SecretStoreFactory.Create(Run(reporter));
        await new OperatorRegistry(store).SaveAsync(new Operator { Name = "erin", PublicKey = key.Public.KeyText, AddedAt = DateTimeOffset.UnixEpoch, ExpiresAt = new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero) });

        await new OperatorSteps(Run(reporter, ("operator", "erin"), ("key", rotated.PrivateFile + ".pub"))).RotateAsync();

        Assert.That(reporter.Text, Does.Contain("WARN erin stays expired (trusted through 2020-01-01 (UTC))").And.Contain("Revoke and Onboard them with a new --expires"));
    }

    [Test]
    public async Task Check_mode_onboard_stores_nothing()
    {
        var key = await SshKeygen.NewKeyAsync(_scratch, "alice");
        var artifacts = Path.Combine(_scratch, "artifacts");
        var all = new Dictionary<string, string> { ["operator"] = "alice", ["key"] = key.PrivateFile + ".pub", ["state-dir"] = Path.Combine(_scratch, "state"), ["artifacts-dir"] = artifacts };
        var reporter = new RecordingReporter();

        await new OperatorSteps(RunContext.FromArguments(RepositoryRoot.Path, RunArguments.From(all), true, reporter)).OnboardAsync();

        Assert.That(reporter.Text, Does.Contain("would onboard alice"));
        Assert.That(SecretFiles(), Is.Empty);
        Assert.That(Directory.Exists(artifacts) ? Directory.GetFiles(artifacts, "audit.log", SearchOption.AllDirectories) : [], Is.Empty, "no audit line for what did not happen");
    }
}
