using System.Collections.Concurrent;
using Platform.Core;

namespace Platform.Secure;

/// <summary>
/// One reusable <see cref="HostSession"/> per host for the length of a run: steps that touch a
/// host many times (RollNode, Verify) pay for the SSH handshake once.
/// </summary>
public sealed class SshSessionPool(SshConnector connector) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<HostSession>>> _sessions = new(StringComparer.Ordinal);

    public SshConnector Connector => connector;

    public async Task<HostSession> GetAsync(InventoryHost host, CancellationToken cancellation = default)
    {
        var lazy = _sessions.GetOrAdd(host.Name, _ => new Lazy<Task<HostSession>>(() => HostSession.OpenAsync(host, connector, cancellation)));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            // Do not cache a failed connection: the next call tries again.
            _sessions.TryRemove(host.Name, out _);
            throw;
        }
    }

    /// <summary>Closes and drops the host's session, if any: the host was replaced or moved, and the next use connects anew.</summary>
    public async Task ForgetAsync(string hostName)
    {
        if (_sessions.TryRemove(hostName, out var lazy) && lazy.IsValueCreated)
        {
            try
            {
                await (await lazy.Value).DisposeAsync();
            }
            catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
            {
                // It never connected: nothing to close.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _sessions.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                await lazy.Value.Result.DisposeAsync();
            }
        }

        _sessions.Clear();
    }
}
