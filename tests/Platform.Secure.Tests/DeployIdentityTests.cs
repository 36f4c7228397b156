using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

public sealed class DeployIdentityTests
{
    private string _scratch = null!;
    private RunContext _run = null!;

    [SetUp]
    public void CreateLayout()
    {
        _scratch = RepositoryRoot.NewScratch("identity");
        _run = new RunContext(new EnvironmentLayout(_scratch, "scratch", Path.Combine(_scratch, "state"), Path.Combine(_scratch, "artifacts")), RunArguments.Empty, false, new RecordingReporter());
    }

    [TearDown]
    public void RemoveScratch() => RepositoryRoot.RemoveScratch(_scratch);

    [Test]
    public async Task A_new_environment_gets_its_deploy_key()
    {
        var identity = await DeployIdentity.EnsureAsync(_run);

        Assert.That(File.Exists(identity.PrivateKeyFile) && File.Exists(identity.PrivateKeyFile + ".pub"), Is.True);
    }

    [Test]
    public async Task A_lost_private_key_beside_its_pub_is_refused_not_replaced()
    {
        var first = await DeployIdentity.EnsureAsync(_run);
        var publicKey = await File.ReadAllTextAsync(first.PrivateKeyFile + ".pub");
        File.Delete(first.PrivateKeyFile);

        var error = await Assert.ThrowsAsync<PlatformException>(() => DeployIdentity.EnsureAsync(_run));

        Assert.That(error!.Message, Does.Contain("is missing, and this environment was provisioned with it (its public half").And.Contain("Restore both files from your backup").And.Not.Contain("Run Apply to create it"));
        Assert.That(File.Exists(first.PrivateKeyFile), Is.False, "no new key was made");
        Assert.That(await File.ReadAllTextAsync(first.PrivateKeyFile + ".pub"), Is.EqualTo(publicKey), "the public key is kept as it was");
    }
}
