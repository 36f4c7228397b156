using Platform.Core;
using Platform.Secrets;

namespace Platform.Secure;

/// <summary>Vault's SSH secrets engine as the CA: <c>POST /v1/&lt;ssh-mount&gt;/sign/&lt;role&gt;</c>.</summary>
public sealed class VaultCertificateAuthority(VaultClient vault) : ISshCertificateSigner
{
    public async Task<OpenSshPublicKey> PublicKeyAsync(CancellationToken cancellation = default) =>
        await vault.GetSshCaPublicKeyAsync(cancellation);

    public async Task<string> SignAsync(OpenSshPublicKey key, string principal, TimeSpan ttl, string identity, CancellationToken cancellation = default) =>
        (await vault.SignSshKeyAsync(key.KeyText, principal, ttl, cancellation: cancellation)).SignedKey.Trim();
}
