namespace Platform.Secrets;

/// <summary>One version of a secret.</summary>
public sealed record SecretEntry(string Key, string Value, int Version, DateTimeOffset CreatedAt);

/// <summary>
/// Where an environment keeps its secrets (passwords, the operators' circle, CA keys).
/// Keys are slash-separated paths such as <c>operators/alice</c> or <c>db/app-password</c>
/// (segments of <c>[A-Za-z0-9._-]</c>, checked by <see cref="SecretKey"/>; anything else is a PlatformException).
/// Writing a changed value creates a new version; the previous one is kept.
/// Implementations: <see cref="FileSecretStore"/> (local) and <see cref="VaultSecretStore"/> (Vault KV v2).
/// </summary>
public interface ISecretStore
{
    /// <summary><c>local</c> or <c>vault</c>, for messages.</summary>
    string Backend { get; }

    /// <summary>The current value, or null when the key does not exist.</summary>
    Task<string?> GetAsync(string key, CancellationToken cancellation = default);

    /// <summary>A given version (null: the current one), or null when absent.</summary>
    Task<SecretEntry?> ReadAsync(string key, int? version = null, CancellationToken cancellation = default);

    /// <summary>Writes a value; a value equal to the current one writes nothing.</summary>
    Task SetAsync(string key, string value, CancellationToken cancellation = default);

    /// <summary>
    /// The names directly under a folder (<c>operators/</c> → <c>alice</c>, <c>bob</c>), sorted ordinally; folders end with '/'.
    /// <c>""</c> is the top; a folder with nothing in it gives an empty list.
    /// </summary>
    Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellation = default);

    /// <summary>Removes a key (its history may be kept by the backend); absent keys are not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellation = default);
}
