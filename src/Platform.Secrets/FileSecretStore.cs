namespace Platform.Secrets;

/// <summary>
/// The <c>local</c> backend: secrets as files under one folder (normally <c>.platform/&lt;env&gt;/secrets/</c>).
/// <list type="bullet">
/// <item>Key <c>operators/alice</c> is the file <c>operators/alice.json</c>; the suffix lets a key and a folder share a name.</item>
/// <item>Each file holds the key's versions (see <see cref="SecretHistory"/>), mode 0600; folders are 0700.</item>
/// <item>Writes replace the file atomically (temp file + rename), so readers never need a lock.</item>
/// <item>Writers are serialised by a semaphore in-process and by the lock file <c>.lock</c> across processes,
///   because a write is read-modify-write of the history and two unserialised writers would lose a version.</item>
/// </list>
/// </summary>
public sealed class FileSecretStore : ISecretStore
{
    public const int DefaultMaxVersions = 10;

    private const string Suffix = ".json";
    private const string LockFileName = ".lock";

    private readonly SemaphoreSlim _writers = new(1, 1);
    private readonly int _maxVersions;
    private readonly TimeProvider _time;

    /// <param name="root">The secrets folder; created 0700 on the first write.</param>
    /// <param name="maxVersions">How many versions of each key to keep (oldest dropped first).</param>
    /// <param name="lockTimeout">How long a writer waits for another process's write (default 30 s).</param>
    /// <param name="time">Clock for version timestamps (tests).</param>
    public FileSecretStore(string root, int maxVersions = DefaultMaxVersions, TimeSpan? lockTimeout = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVersions, 1);
        Root = Path.GetFullPath(root);
        _maxVersions = maxVersions;
        LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);
        _time = time ?? TimeProvider.System;
    }

    public string Backend => "local";

    public string Root { get; }

    public TimeSpan LockTimeout { get; }

    /// <summary>The file that holds <paramref name="key"/>.</summary>
    public string PathOf(string key) => Path.Combine([Root, .. SecretKey.Segments(key)]) + Suffix;

    public async Task<string?> GetAsync(string key, CancellationToken cancellation = default) =>
        (await ReadAsync(key, null, cancellation))?.Value;

    public async Task<SecretEntry?> ReadAsync(string key, int? version = null, CancellationToken cancellation = default)
    {
        var history = await SecretFile.ReadAsync(PathOf(key), cancellation);
        var entry = version is { } v ? history?.Find(v) : history?.Current;
        return entry is null ? null : new SecretEntry(key, entry.Value, entry.Version, entry.CreatedAt);
    }

    public async Task SetAsync(string key, string value, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var path = PathOf(key);
        await WithWriteLockAsync(async () =>
        {
            var history = await SecretFile.ReadAsync(path, cancellation) ?? SecretHistory.Empty;
            if (history.Current?.Value == value)
            {
                return;
            }

            CreateOwnerOnlyFolder(Path.GetDirectoryName(path)!);
            SecretFile.Write(path, history.Append(value, _time.GetUtcNow(), _maxVersions));
        }, cancellation);
    }

    public Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellation = default)
    {
        var dir = Path.Combine(Root, SecretKey.NormalizeFolder(folder));
        if (!Directory.Exists(dir))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        // Only names that are valid key segments: temp files and the lock file never show up.
        var folders = Directory.EnumerateDirectories(dir).Select(Path.GetFileName).OfType<string>()
            .Where(SecretKey.IsValid).Select(name => name + "/");
        var keys = Directory.EnumerateFiles(dir, "*" + Suffix).Select(Path.GetFileName).OfType<string>()
            .Select(name => name[..^Suffix.Length]).Where(SecretKey.IsValid);
        IReadOnlyList<string> names = folders.Concat(keys).Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(names);
    }

    /// <summary>Deletes the key's file and every version in it, then any folders the deletion left empty.</summary>
    public async Task DeleteAsync(string key, CancellationToken cancellation = default)
    {
        var path = PathOf(key);
        await WithWriteLockAsync(() =>
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            RemoveEmptyFoldersUpFrom(Path.GetDirectoryName(path)!);
            return Task.CompletedTask;
        }, cancellation);
    }

    private static void CreateOwnerOnlyFolder(string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dir);
        }
        else
        {
            Directory.CreateDirectory(dir, SecretFile.OwnerOnlyFolder);
        }
    }

    /// <summary>So a folder whose last key was deleted stops being listed, as in Vault.</summary>
    private void RemoveEmptyFoldersUpFrom(string dir)
    {
        while (dir.Length > Root.Length && Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
        {
            Directory.Delete(dir);
            dir = Path.GetDirectoryName(dir)!;
        }
    }

    private async Task WithWriteLockAsync(Func<Task> write, CancellationToken cancellation)
    {
        await _writers.WaitAsync(cancellation);
        try
        {
            CreateOwnerOnlyFolder(Root);
            using var fileLock = await ExclusiveFileLock.AcquireAsync(Path.Combine(Root, LockFileName), LockTimeout, cancellation);
            await write();
        }
        finally
        {
            _writers.Release();
        }
    }
}
