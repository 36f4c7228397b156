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

    [TestCase("pub", TestName = "A lost private key beside its .pub is not replaced by a new one")]
    [TestCase("inventory", TestName = "A lost deploy key of a provisioned environment is not replaced by a new one")]
    public async Task A_lost_key_is_refused_not_replaced(string evidence)
    {
        var first = await DeployIdentity.EnsureAsync(_run);
        var publicKey = await File.ReadAllTextAsync(first.PrivateKeyFile + ".pub");
        File.Delete(first.PrivateKeyFile);
        if (evidence == "inventory")
        {
            File.Delete(first.PrivateKeyFile + ".pub");
            Directory.CreateDirectory(_run.Layout.ArtifactsDir);
            await File.WriteAllTextAsync(_run.Layout.InventoryFile, "{}");
        }

        var error = await Assert.ThrowsAsync<PlatformException>(() => DeployIdentity.EnsureAsync(_run));

        Assert.That(error!.Message, Does.Contain("is missing, and this environment was provisioned with it").And.Contain("Restore both files from your backup").And.Not.Contain("Run Apply to create it"));
        Assert.That(File.Exists(first.PrivateKeyFile), Is.False, "no new key was made");
        if (evidence == "pub")
        {
            Assert.That(await File.ReadAllTextAsync(first.PrivateKeyFile + ".pub"), Is.EqualTo(publicKey), "the public key is kept as it was");
        }
    }
}
