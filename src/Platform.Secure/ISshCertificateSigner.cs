using Platform.Core;

namespace Platform.Secure;

/// <summary>
/// An SSH user certificate authority: hosts trust its public key (TrustedUserCAKeys) and each run
/// gets the deploy key signed for a short time, for the SSH user only — a one-shot credential.
/// </summary>
public interface ISshCertificateSigner
{
    /// <summary>The CA's public key line, as it goes into TrustedUserCAKeys.</summary>
    Task<OpenSshPublicKey> PublicKeyAsync(CancellationToken cancellation = default);

    /// <summary>Returns the certificate line (<c>ssh-ed25519-cert-v01@openssh.com …</c>) for <paramref name="key"/>.</summary>
    Task<string> SignAsync(OpenSshPublicKey key, string principal, TimeSpan ttl, string identity, CancellationToken cancellation = default);
}
