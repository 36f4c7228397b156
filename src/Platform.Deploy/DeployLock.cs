using System.Text.Json;
using Platform.Core;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>Who holds the deploy lock (<see cref="Pid"/>: the holding process on <see cref="Machine"/>; absent in older locks).</summary>
public sealed record LockHolder(string Operator, string Target, string Version, DateTimeOffset Since, string Machine, string Token, int? Pid = null)
{
    /// <summary>
    /// The holding run is still alive here: same machine, and its process exists (not a zombie). A run
    /// elsewhere cannot be asked; a reused pid would only make Unlock ask for <c>--force</c>.
    /// </summary>
    public bool RunsHere() => State() is { } state && state is not ('Z' or 'X');

    /// <summary>The holding run is alive here but stopped (SIGSTOP, Ctrl+Z, a debugger): it will not end on its own.</summary>
    public bool IsPausedHere() => State() is 'T' or 't';

    // The state letter of the holding process in /proc (R, S, T, Z…), when it runs on this machine.
    private char? State() =>
        Pid is { } pid && Machine == Environment.MachineName && File.Exists($"/proc/{pid}/stat")
        && File.ReadAllText($"/proc/{pid}/stat") is var stat && stat[(stat.LastIndexOf(')') + 2)..] is var rest && rest.Length > 0
            ? rest[0]
            : null;
}

/// <summary>
/// One run that changes the environment at a time (Deploy, Stage, RollNode, Rollback, ExpandDb, a contract, and an
/// Apply or Destroy that changes the hosts): a lock file on the lb host, created
/// exclusively (O_EXCL, atomic on the host), naming who holds it and since when. A second
/// run is refused; <c>Unlock</c> releases a lock left by a run that died.
/// </summary>
public sealed class DeployLock(HostSession lb)
{
    public string Path => $"{lb.Host.BaseDir.TrimEnd('/')}/deploy.lock";

    /// <summary>When the lock was last released (the lb's clock, milliseconds since the epoch): a run that takes it right after another learns so.</summary>
    public string ReleasedPath => $"{lb.Host.BaseDir.TrimEnd('/')}/deploy.released";

    /// <summary>Takes the lock; with it, how long before (the lb's clock) another run had released it (null: never, or unknown).</summary>
    public async Task<(LockHolder Holder, TimeSpan? ReleasedAgo)> AcquireAsync(string operatorName, string target, string version, CancellationToken cancellation)
    {
        var holder = new LockHolder(operatorName, target, version, DateTimeOffset.UtcNow, Environment.MachineName, Guid.NewGuid().ToString("N"), Environment.ProcessId);
        var released = $"r=; {{ read -r r < {ShellQuote.Quote(ReleasedPath)}; }} 2>/dev/null; echo \"$r $(date +%s%3N)\"";
        if (await lb.CreateExclusiveThenAsync(Path, JsonSerializer.Serialize(holder, Inventory.Json), released, cancellation) is { } output)
        {
            return (holder, ReleasedAgo(output));
        }

        var current = await HolderAsync(cancellation);
        throw new PlatformException(current is null
            ? $"The deploy lock {Path} on {lb.Host.Name} could not be taken. Nothing was changed."
            : $"Another run holds the deploy lock of this environment: {Describe(current)}. Nothing was changed. If that run died, release the lock with ./build.sh --target=Unlock.");
    }

    /// <summary>Releases the lock if this holder still holds it (checked and removed in one command), and notes when.</summary>
    /// <returns>False when the lock was no longer <paramref name="holder"/>'s (broken by Unlock --force, maybe taken by another run since).</returns>
    public async Task<bool> ReleaseAsync(LockHolder holder, CancellationToken cancellation) =>
        (await lb.RunCheckedAsync(
            $"if grep -qF {ShellQuote.Quote(holder.Token)} {ShellQuote.Quote(Path)} 2>/dev/null; then rm -f {ShellQuote.Quote(Path)} && date +%s%3N > {ShellQuote.Quote(ReleasedPath)} && echo released; else echo lost; fi",
            "releasing the deploy lock",
            cancellation)).Trim() == "released";

    internal static TimeSpan? ReleasedAgo(string output) =>
        output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var released, var now]
        && long.TryParse(released, System.Globalization.CultureInfo.InvariantCulture, out var r)
        && long.TryParse(now, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? TimeSpan.FromMilliseconds(Math.Max(0, n - r))
            : null;

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
        if (text is null)
        {
            return null;
        }

        // An empty lock is still a lock (a run that died writing it, a full disk): it is reported, released and audited like any other.
        try
        {
            return string.IsNullOrWhiteSpace(text) ? Unknown("is empty") : JsonSerializer.Deserialize<LockHolder>(text, Inventory.Json) ?? Unknown("is not a lock Platform wrote");
        }
        catch (JsonException)
        {
            return Unknown("is not a lock Platform wrote");
        }
    }

    private LockHolder Unknown(string why) => new($"nobody known: {Path} on {lb.Host.Name} {why}", "unknown", "unknown", DateTimeOffset.MinValue, "unknown", string.Empty);

    public static string Describe(LockHolder holder) =>
        holder.Since == DateTimeOffset.MinValue
            ? holder.Operator
            : $"{holder.Operator} on {holder.Machine} ({holder.Target}, version {holder.Version}{(holder.Pid is { } pid ? $", process {pid}" : string.Empty)}) since {holder.Since:yyyy-MM-dd HH:mm:ss} UTC";
}
