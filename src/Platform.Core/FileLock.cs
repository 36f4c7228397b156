namespace Platform.Core;

/// <summary>
/// An exclusive lock on a file shared by every process on this machine (flock underneath),
/// waited for up to a timeout. Released on dispose or when the process exits.
/// </summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellation);
            }
            catch (IOException ex)
            {
                throw new PlatformException($"{path} is locked by another run and was not released within {timeout.TotalSeconds:0} s.", ex);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
