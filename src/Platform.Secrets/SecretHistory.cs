namespace Platform.Secrets;

/// <summary>One stored version of a local secret.</summary>
internal sealed record SecretVersion(int Version, string Value, DateTimeOffset CreatedAt);

/// <summary>
/// The versions of one local secret, oldest first. Stored as the whole content of the key's file:
/// <c>{"versions":[{"version":1,"value":"…","createdAt":"2025-01-01T00:00:00+00:00"}, …]}</c>.
/// Only the newest <c>maxVersions</c> are kept, like Vault KV v2's <c>max_versions</c>, so a
/// frequently rotated secret does not grow its file forever.
/// </summary>
internal sealed record SecretHistory(IReadOnlyList<SecretVersion> Versions)
{
    public static SecretHistory Empty { get; } = new([]);

    public SecretVersion? Current => Versions.Count == 0 ? null : Versions[^1];

    public SecretVersion? Find(int version) => Versions.FirstOrDefault(v => v.Version == version);

    /// <summary>A history with <paramref name="value"/> as a new current version; version numbers never go back.</summary>
    public SecretHistory Append(string value, DateTimeOffset now, int maxVersions)
    {
        var next = new SecretVersion((Current?.Version ?? 0) + 1, value, now);
        var all = Versions.Append(next).ToList();
        return new SecretHistory(all.Skip(Math.Max(0, all.Count - maxVersions)).ToList());
    }

    /// <summary>Why a parsed document cannot be trusted, or null when it is sound.</summary>
    public string? Problem()
    {
        if (Versions is null)
        {
            return "it has no 'versions' list";
        }

        for (var i = 0; i < Versions.Count; i++)
        {
            var v = Versions[i];
            if (v is null || v.Value is null || v.Version < 1)
            {
                return $"entry {i + 1} has no value or no positive version";
            }

            if (i > 0 && v.Version <= Versions[i - 1].Version)
            {
                return $"versions are not increasing at entry {i + 1}";
            }
        }

        return null;
    }
}
