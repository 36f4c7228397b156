using Platform.Core;

namespace Platform.Secure;

/// <summary>A trusted operator: a member of the closed circle of root authorized keys.</summary>
public sealed record Operator
{
    public required string Name { get; init; }

    /// <summary>The OpenSSH public key line (<c>type base64</c>), without comment.</summary>
    public required string PublicKey { get; init; }

    public required DateTimeOffset AddedAt { get; init; }

    public string? AddedBy { get; init; }

    /// <summary>When the operator stops being trusted; expired operators are treated as revoked.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RotatedAt { get; init; }

    public OpenSshPublicKey Key => OpenSshPublicKey.Parse(PublicKey, $"operator '{Name}'");

    public bool IsActive(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;

    /// <summary>The key, commented with the operator's name (never anything secret): what Terraform gets for new hosts.</summary>
    public string PublicKeyLine => $"{Key.KeyText} {Name}";

    /// <summary>
    /// The authorized_keys line SeedKeys writes: the key line, and for an operator who expires sshd's own
    /// <c>expiry-time</c> option (UTC), so that the key stops working at its expiry on every host,
    /// not at the next SeedKeys.
    /// </summary>
    public string AuthorizedKeysLine => ExpiresAt is { } expires
        ? $"expiry-time=\"{expires.UtcDateTime.ToString("yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture)}Z\" {PublicKeyLine}"
        : PublicKeyLine;
}
