using Platform.Core;

namespace Platform.Secrets;

/// <summary>
/// An exclusive lock held by keeping a lock file open with <see cref="FileShare.None"/> (flock on Linux).
/// It serialises writers across processes; the OS releases it if the holder dies, so no stale lock remains.
/// </summary>
internal sealed class ExclusiveFileLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(15);

    private readonly FileStream _stream;

    private ExclusiveFileLock(FileStream stream) => _stream = stream;

    public static async Task<ExclusiveFileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellation)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = AtomicFile.OwnerOnly;
        }

        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new ExclusiveFileLock(new FileStream(path, options));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Held by another writer: poll until it is released. Any other IO failure ends up in the timeout message.
                await Task.Delay(Poll, cancellation);
            }
            catch (IOException ex)
            {
                throw new PlatformException(
                    $"Could not lock {path} within {timeout.TotalSeconds:0} s ({ex.Message}): another Platform run is writing secrets. " +
                    "Retry when it has finished.", ex);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
