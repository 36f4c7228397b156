using Platform.Core;

namespace Platform.Secure;

/// <summary>
/// The credentials this run logs in with: the deploy key, plus, in certificate mode, a
/// certificate freshly signed for the hosts' SSH user and valid for the configured TTL.
/// </summary>
public static class DeployCredentials
{
    public static async Task<SshCredentials> ResolveAsync(RunContext run, DeployIdentity identity, SshCertificates mode, Func<ISshCertificateSigner> signer, string sshUser)
    {
        if (!mode.Enabled)
        {
            return new SshCredentials(identity.PrivateKeyFile);
        }

        var certificate = await signer().SignAsync(identity.PublicKey, sshUser, mode.Ttl, $"platform-deploy@{run.Environment}:{run.Operator}:{DateTimeOffset.UtcNow:yyyyMMddTHHmmssZ}", run.Cancellation);
        var file = identity.PrivateKeyFile + "-cert.pub";
        AtomicFile.WriteAllText(file, certificate + "\n", AtomicFile.OwnerOnly);
        run.Reporter.Info($"Signed a certificate for the deploy key, principal '{sshUser}', valid {mode.Ttl.TotalMinutes:0} min");
        return new SshCredentials(identity.PrivateKeyFile, file);
    }
}
