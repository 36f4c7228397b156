using Platform.Core;
using Renci.SshNet.Security;

namespace Platform.Secure;

/// <summary>When a signed certificate line (<c>ssh-ed25519-cert-v01@openssh.com AAAA…</c>) starts to be valid.</summary>
public static class SshCertificateValidity
{
    /// <summary>The certificate's valid-after time, as sshd compares it with the host's clock.</summary>
    public static DateTimeOffset ValidFrom(string certificateLine)
    {
        try
        {
            var blob = Convert.FromBase64String(certificateLine.Trim().Split(' ', 3)[1]);
            return DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(new Certificate(blob).ValidAfterUnixSeconds, (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or ArgumentException or InvalidOperationException or NotSupportedException or Renci.SshNet.Common.SshException)
        {
            throw new PlatformException($"The signed SSH certificate cannot be read ({ex.Message}); nothing was changed. Check the signer (the local CA in the secrets store, or Vault's SSH role).", ex);
        }
    }
}
