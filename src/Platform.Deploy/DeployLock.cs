using System.Text.Json;
using Platform.Core;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>Who holds the deploy lock.</summary>
public sealed record LockHolder(string Operator, string Target, string Version, DateTimeOffset Since, string Machine, string Token);

/// <summary>
/// One Deploy/RollNode/Rollback at a time per environment: a lock file on the lb host, created
/// exclusively (O_EXCL, atomic on the host), naming who holds it and since when. A second
/// run is refused; <c>Unlock</c> releases a lock left by a run that died.
/// </summary>
public sealed class DeployLock(HostSession lb)
{
    public string Path => $"{lb.Host.BaseDir.TrimEnd('/')}/deploy.lock";

    public async Task<LockHolder> AcquireAsync(string operatorName, string target, string version, CancellationToken cancellation)
    {
        var holder = new LockHolder(operatorName, target, version, DateTimeOffset.UtcNow, Environment.MachineName, Guid.NewGuid().ToString("N"));
        if (await lb.CreateExclusiveAsync(Path, JsonSerializer.Serialize(holder, Inventory.Json), cancellation))
        {
            return holder;
        }

        var current = await HolderAsync(cancellation);
        throw new PlatformException(current is null
            ? $"The deploy lock {Path} on {lb.Host.Name} could not be taken. Nothing was changed."
            : $"Another run holds the deploy lock of this environment: {Describe(current)}. Nothing was changed. If that run died, release the lock with ./build.sh --target=Unlock.");
    }

    public async Task ReleaseAsync(LockHolder holder, CancellationToken cancellation)
    {
        var current = await HolderAsync(cancellation);
        if (current?.Token == holder.Token)
        {
            await lb.DeleteFileAsync(Path, cancellation);
        }
    }

    /// <summary>Removes the lock whoever holds it; returns the holder it removed.</summary>
    public async Task<LockHolder?> BreakAsync(CancellationToken cancellation)
    {
        var current = await HolderAsync(cancellation);
        await lb.DeleteFileAsync(Path, cancellation);
        return current;
    }

    public async Task<LockHolder?> HolderAsync(CancellationToken cancellation)
    {
        var text = await lb.ReadFileAsync(Path, cancellation);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LockHolder>(text, Inventory.Json);
        }
        catch (JsonException)
        {
            return new LockHolder("unknown", "unknown", "unknown", DateTimeOffset.MinValue, "unknown", string.Empty);
        }
    }

    public static string Describe(LockHolder holder) =>
        $"{holder.Operator} on {holder.Machine} ({holder.Target}, version {holder.Version}) since {holder.Since:yyyy-MM-dd HH:mm:ss} UTC";
}
