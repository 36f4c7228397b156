using System.Collections.Concurrent;
using Platform.Secrets;

namespace Platform.Secure.Tests;

/// <summary>A secrets store in a dictionary, for unit tests of what sits on top of the interface.</summary>
internal sealed class InMemorySecretStore : ISecretStore
{
    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);

    public string Backend => "memory";

    public int Writes { get; private set; }

    public Task<string?> GetAsync(string key, CancellationToken cancellation = default) =>
        Task.FromResult(_values.TryGetValue(key, out var v) ? v : null);

    public Task<SecretEntry?> ReadAsync(string key, int? version = null, CancellationToken cancellation = default) =>
        Task.FromResult(_values.TryGetValue(key, out var v) ? new SecretEntry(key, v, 1, DateTimeOffset.UnixEpoch) : null);

    public Task SetAsync(string key, string value, CancellationToken cancellation = default)
    {
        _values[key] = value;
        Writes++;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellation = default) =>
        Task.FromResult<IReadOnlyList<string>>(_values.Keys.Where(k => k.StartsWith(folder, StringComparison.Ordinal)).Select(k => k[folder.Length..]).Order(StringComparer.Ordinal).ToList());

    public Task DeleteAsync(string key, CancellationToken cancellation = default)
    {
        _values.TryRemove(key, out _);
        Writes++;
        return Task.CompletedTask;
    }
}
