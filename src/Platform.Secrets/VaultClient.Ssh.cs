using System.Text.Json.Nodes;
using Platform.Core;

namespace Platform.Secrets;

/// <summary>An SSH certificate signed by Vault: the <c>…-cert.pub</c> line and its serial number.</summary>
public sealed record VaultSshCertificate(string SignedKey, string SerialNumber);

/// <summary>Short-lived SSH certificates from the SSH secrets engine on <see cref="VaultOptions.SshMount"/>.</summary>
public sealed partial class VaultClient
{
    /// <summary>
    /// The SSH CA's public key, for hosts' TrustedUserCAKeys (<c>GET /v1/&lt;ssh-mount&gt;/config/ca</c> → <c>data.public_key</c>).
    /// The authenticated JSON endpoint rather than the raw <c>public_key</c> one, so errors and retries work as everywhere else.
    /// </summary>
    public async Task<OpenSshPublicKey> GetSshCaPublicKeyAsync(CancellationToken cancellation = default)
    {
        var apiPath = $"{EscapePath(Options.SshMount)}/config/ca";
        var reply = await SendWithTokenAsync(HttpMethod.Get, apiPath, null, cancellation);
        var display = "/v1/" + apiPath;
        return OpenSshPublicKey.Parse(Require<string>(reply?["data"]?["public_key"], "data.public_key", "GET", display), $"Vault's SSH CA key ({display})");
    }

    /// <summary>
    /// Signs a public key (<c>POST /v1/&lt;ssh-mount&gt;/sign/&lt;role&gt;</c>) for <paramref name="validPrincipals"/>
    /// (comma-separated login names) for <paramref name="ttl"/>. <paramref name="role"/> defaults to <see cref="VaultOptions.SshRole"/>.
    /// The certificate starts the role's <c>not_before_duration</c> before the signing: the request has no field for it.
    /// </summary>
    public async Task<VaultSshCertificate> SignSshKeyAsync(
        string publicKey, string validPrincipals, TimeSpan ttl, string certType = "user", string? role = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(validPrincipals);
        if (certType is not ("user" or "host"))
        {
            throw new ArgumentOutOfRangeException(nameof(certType), certType, "expected \"user\" or \"host\"");
        }

        // Parsing refuses a private key, so one can never be sent by mistake.
        var key = OpenSshPublicKey.Parse(publicKey, "the SSH public key to sign");
        var apiPath = $"{EscapePath(Options.SshMount)}/sign/{EscapePath(role ?? Options.SshRole)}";
        var body = new JsonObject
        {
            ["public_key"] = key.KeyText,
            ["valid_principals"] = validPrincipals,
            ["ttl"] = VaultDuration.Format(ttl),
            ["cert_type"] = certType,
        };
        var reply = await SendWithTokenAsync(HttpMethod.Post, apiPath, body, cancellation);
        var display = "/v1/" + apiPath;
        return new VaultSshCertificate(
            Require<string>(reply?["data"]?["signed_key"], "data.signed_key", "POST", display).Trim(),
            Require<string>(reply?["data"]?["serial_number"], "data.serial_number", "POST", display));
    }
}
