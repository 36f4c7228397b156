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
        // Vault backdates by its role's not_before_duration (30 s unless set), which Platform cannot ask for per
        // request: a role left at that makes hosts whose clock is a little behind refuse the certificate.
        var backdated = DateTimeOffset.UtcNow - SshCertificateValidity.ValidFrom(certificate);
        if (backdated < SshCertificates.Backdate - TimeSpan.FromMinutes(1))
        {
            run.Reporter.Warn(
                $"The certificate is valid from only {Math.Max(0, backdated.TotalSeconds):0} s before now: a host whose clock is behind the signer's by more refuses it as not yet valid. " +
                $"With Vault, set the SSH role's not_before_duration to {SshCertificates.Backdate.TotalMinutes:0}m (vault write <ssh-mount>/roles/<role> not_before_duration={SshCertificates.Backdate.TotalMinutes:0}m, with the role's other fields).");
        }

        return new SshCredentials(identity.PrivateKeyFile, file);
    }
}
