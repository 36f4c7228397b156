using Platform.Core;

namespace Platform.Secrets;

/// <summary>
/// The <c>vault</c> backend: key <c>db/app-password</c> is the KV v2 secret <c>&lt;prefix&gt;/db/app-password</c>
/// holding <c>{"value":"…"}</c>; its versions are KV v2 versions. Writing an unchanged value is skipped, since
/// Vault would otherwise add a version each time; other writes are check-and-set against the version read. Deleting removes the key's metadata and every version, so a
/// removed operator also disappears from listings (a soft delete would keep listing it).
/// </summary>
public sealed class VaultSecretStore : ISecretStore, IDisposable
{
    public const string ValueField = "value";

    private readonly VaultClient _client;
    private readonly bool _ownsClient;

    /// <param name="client">The client; disposed with the store when <paramref name="ownsClient"/>.</param>
    /// <param name="prefix">Path under the KV mount that holds this environment's secrets, e.g. <c>platform/prod</c>.</param>
    public VaultSecretStore(VaultClient client, string prefix, bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _ownsClient = ownsClient;
        Prefix = SecretKey.IsValid(prefix)
            ? prefix
            : throw new PlatformException(
                $"'{prefix}' is not a valid Vault path prefix (secrets.vault.prefix): use path segments of letters, digits, '.', '_' and '-' joined by '/', e.g. platform/prod.");
    }

    public string Backend => "vault";

    public string Prefix { get; }

    /// <summary>The KV path (under the mount) of <paramref name="key"/>.</summary>
    public string PathOf(string key) => $"{Prefix}/{SecretKey.Validate(key)}";

    public async Task<string?> GetAsync(string key, CancellationToken cancellation = default) =>
        (await ReadAsync(key, null, cancellation))?.Value;

    public async Task<SecretEntry?> ReadAsync(string key, int? version = null, CancellationToken cancellation = default) =>
        (await ReadWithVersionAsync(key, version, cancellation)).Entry;

    public async Task SetAsync(string key, string value, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var (current, currentVersion) = await ReadWithVersionAsync(key, null, cancellation);
        if (current?.Value == value)
        {
            return;
        }

        try
        {
            // Check-and-set against the version just read: a writer that slipped in between is not overwritten
            // unseen, and mounts with cas_required accept the write.
            await _client.WriteKvAsync(PathOf(key), new Dictionary<string, string> { [ValueField] = value }, currentVersion, cancellation);
        }
        catch (VaultInvalidRequestException ex) when (ex.Errors.Any(e => e.Contains("check-and-set", StringComparison.Ordinal)))
        {
            // A retried write whose first attempt Vault committed (its answer lost) meets its own version: done, not a conflict.
            if ((await ReadWithVersionAsync(key, null, cancellation)).Entry?.Value == value)
            {
                return;
            }

            throw new PlatformException(
                $"The Vault secret {_client.Options.KvMount}/{PathOf(key)} changed while it was being written (it is no longer version {currentVersion}): " +
                "nothing was written. Check who else is changing it, then run again.", ex);
        }
    }

    /// <summary>
    /// The entry (null when absent, deleted or destroyed) and the key's current version number for check-and-set:
    /// the deleted version's when Vault reports one, 0 when the key does not exist.
    /// </summary>
    private async Task<(SecretEntry? Entry, int Version)> ReadWithVersionAsync(string key, int? version, CancellationToken cancellation)
    {
        var path = PathOf(key);
        VaultKvSecret secret;
        try
        {
            secret = await _client.ReadKvAsync(path, version, cancellation);
        }
        catch (VaultNotFoundException ex) when (ex.IsAbsent)
        {
            return (null, ex.DeletedVersion ?? 0);
        }

        if (!secret.Data.TryGetValue(ValueField, out var value) || value is null)
        {
            var mount = _client.Options.KvMount;
            throw new PlatformException(
                $"The Vault secret {mount}/{path} (version {secret.Version}) has no '{ValueField}' field (fields: {string.Join(", ", secret.Data.Keys)}); " +
                $"Platform stores each secret as {{\"{ValueField}\": \"…\"}}. Fix it with 'vault kv put -mount={mount} {path} {ValueField}=…'.");
        }

        return (new SecretEntry(key, value, secret.Version, secret.CreatedTime), secret.Version);
    }

    public Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellation = default) =>
        _client.ListKvAsync(Prefix + "/" + SecretKey.NormalizeFolder(folder), cancellation);

    public async Task DeleteAsync(string key, CancellationToken cancellation = default)
    {
        try
        {
            await _client.DeleteKvAllAsync(PathOf(key), cancellation);
        }
        catch (VaultNotFoundException ex) when (ex.IsAbsent)
        {
            // Already gone: deleting is idempotent.
        }
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }
}
