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

    /// <summary>The authorized_keys line: the key, commented with the operator's name (never anything secret).</summary>
    public string AuthorizedKeysLine => $"{Key.KeyText} {Name}";
}
