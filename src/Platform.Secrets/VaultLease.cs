namespace Platform.Secrets;

/// <summary>
/// What the client knows about its token's lease, from the last login or renewal. It never holds the
/// token itself, so it can be shown or logged. A zero duration means the token does not expire (or,
/// for a <c>VAULT_TOKEN</c> never renewed, that its lease is unknown).
/// </summary>
public sealed record VaultLease(TimeSpan Duration, bool Renewable, DateTimeOffset ObtainedAt)
{
    public bool Expires => Duration > TimeSpan.Zero;

    public DateTimeOffset? ExpiresAt => Expires ? ObtainedAt + Duration : null;

    /// <summary>Renew once two thirds of the lease have gone, leaving a margin for slow requests and clock drift.</summary>
    public bool IsDueForRenewal(DateTimeOffset now) => Renewable && Expires && now - ObtainedAt >= Duration * 2 / 3;

    public bool IsExpired(DateTimeOffset now) => Expires && now >= ObtainedAt + Duration;
}
