namespace Platform.Secure;

/// <summary>
/// What Platform logs in with: a private key file and, in certificate mode, a short-lived
/// OpenSSH certificate signed for that key (<c>id_ed25519-cert.pub</c>).
/// </summary>
public sealed record SshCredentials(string PrivateKeyFile, string? CertificateFile = null);
