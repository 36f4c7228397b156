using Platform.Core;

namespace Platform.Secrets;

/// <summary>
/// Registers every value read from or written to the inner store with the run's redactor, so a secret
/// that later shows up in a command line, an error or a log line is masked whatever the backend.
/// </summary>
public sealed class RedactingSecretStore(ISecretStore inner, SecretRedactor redactor) : ISecretStore, IDisposable
{
    public ISecretStore Inner { get; } = inner;

    public string Backend => Inner.Backend;

    public async Task<string?> GetAsync(string key, CancellationToken cancellation = default) =>
        Registered(await Inner.GetAsync(key, cancellation));

    public async Task<SecretEntry?> ReadAsync(string key, int? version = null, CancellationToken cancellation = default)
    {
        var entry = await Inner.ReadAsync(key, version, cancellation);
        Registered(entry?.Value);
        return entry;
    }

    public Task SetAsync(string key, string value, CancellationToken cancellation = default)
    {
        // Before writing: a failing write's error must already be redacted.
        Registered(value);
        return Inner.SetAsync(key, value, cancellation);
    }

    public Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellation = default) => Inner.ListAsync(folder, cancellation);

    public Task DeleteAsync(string key, CancellationToken cancellation = default) => Inner.DeleteAsync(key, cancellation);

    public void Dispose() => (Inner as IDisposable)?.Dispose();

    private string? Registered(string? value)
    {
        redactor.Register(value);
        return value;
    }
}
