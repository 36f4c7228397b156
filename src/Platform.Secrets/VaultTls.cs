using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Platform.Core;

namespace Platform.Secrets;

/// <summary>
/// The HTTP handler's certificate checks, following the Vault CLI: with <c>VAULT_CACERT</c> only the CAs in
/// that PEM file are trusted (the host name must still match); <c>VAULT_SKIP_VERIFY</c> turns checks off,
/// loudly; otherwise the system's trust store decides.
/// </summary>
internal static class VaultTls
{
    public static SocketsHttpHandler CreateHandler(VaultOptions options, IReporter reporter)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (options.SkipVerify)
        {
            reporter.Warn(
                $"{VaultOptions.SkipVerifyVariable} is set: Vault's TLS certificate at {options.Address} is NOT checked, so anyone on the network path " +
                $"could read the secrets and the token. Use {VaultOptions.CaCertVariable}=<CA PEM file> instead.");
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (options.CaCertFile is { } file)
        {
            var authorities = LoadAuthorities(file);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                ChainsToAuthority(certificate, chain, errors, authorities);
        }

        return handler;
    }

    private static X509Certificate2Collection LoadAuthorities(string file)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new PlatformException($"{VaultOptions.CaCertVariable}={file} cannot be read as a PEM certificate file: {ex.Message}", ex);
        }

        return authorities.Count > 0
            ? authorities
            : throw new PlatformException($"{VaultOptions.CaCertVariable}={file} holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
    }

    private static bool ChainsToAuthority(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        // The name check is independent of who signed the certificate: keep it.
        if (certificate is not X509Certificate2 leaf || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(authorities);
        // Intermediates the server sent along.
        foreach (var element in presented?.ChainElements.Select(e => e.Certificate) ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(element);
        }

        return chain.Build(leaf);
    }
}
