using System.Globalization;
using Platform.Core;
using Platform.Secrets;

namespace Platform.Secure;

/// <summary>
/// Certificate mode of an environment: platform.json <c>"sshCertificates": {"enabled": true,
/// "ttlMinutes": 30}</c>, or <c>--ssh-certificates=true|false</c> for one run. When on, hosts trust
/// the environment's CA and the deploy identity logs in with a certificate valid for the TTL only.
/// </summary>
public sealed record SshCertificates(bool Enabled, TimeSpan Ttl)
{
    /// <summary>
    /// How long before its signing a certificate starts to be valid, so that a host whose clock is behind the
    /// signer's still takes a fresh one (sshd refuses a certificate "not yet valid"). Its end stays the TTL from
    /// the signing. The local CA signs with it; Vault's SSH role does with <c>not_before_duration</c>.
    /// </summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    public static SshCertificates For(RunContext run)
    {
        var settings = EnvironmentSettings.Load(run.Layout);
        var enabled = run.Arguments.Has("ssh-certificates")
            ? run.Arguments.GetFlag("ssh-certificates")
            : settings.Get("sshCertificates.enabled") == "true";
        // A value that is not a whole number is refused, not replaced by the default: "5m" must not give 30 minutes.
        var text = settings.Get("sshCertificates.ttlMinutes");
        var minutes = text is null ? 30 : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
        if (minutes is < 1 or > 1440)
        {
            throw new PlatformException($"{settings.Source}: sshCertificates.ttlMinutes is {text}; expected a whole number of minutes, 1 to 1440.");
        }

        return new SshCertificates(enabled, TimeSpan.FromMinutes(minutes));
    }

    /// <summary>The signer matching the environment's secrets backend.</summary>
    public static ISshCertificateSigner Signer(RunContext run, ISecretStore store) =>
        store.Backend == "vault"
            ? new VaultCertificateAuthority(SecretStoreFactory.CreateVaultClient(run))
            : new LocalCertificateAuthority(store, run.Commands, run.Layout.KeysDir);
}
