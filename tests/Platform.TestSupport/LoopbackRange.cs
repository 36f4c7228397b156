namespace Platform.TestSupport;

/// <summary>
/// A /24 of loopback addresses (<c>127.0.K.</c>) reserved by one fixture, so test projects running
/// in parallel — even from two clones of the repository — never share an address or port.
/// Reservation is an exclusive lock on a file in a machine-wide folder under the temp folder,
/// released on dispose (or when the process dies). The default environment's 127.0.10.x and the
/// benchmark's 127.0.40.x are never handed out.
/// </summary>
public sealed class LoopbackRange : IDisposable
{
    private const int First = 20;
    private const int Last = 250;
    private const int Reserved = 40; // the Benchmark target's environment

    private readonly FileStream _lock;

    private LoopbackRange(int octet, FileStream lockFile)
    {
        Octet = octet;
        _lock = lockFile;
    }

    public int Octet { get; }

    /// <summary>The Terraform <c>address_prefix</c>: <c>127.0.K.</c>.</summary>
    public string Prefix => $"127.0.{Octet}.";

    public string Address(int last) => $"{Prefix}{last}";

    public static LoopbackRange Acquire()
    {
        var dir = Path.Combine(Path.GetTempPath(), "platform-loopback-ranges");
        Directory.CreateDirectory(dir);
        var start = Random.Shared.Next(First, Last + 1);
        for (var i = 0; i <= Last - First; i++)
        {
            var octet = First + ((start - First + i) % (Last - First + 1));
            if (octet == Reserved)
            {
                continue;
            }

            try
            {
                var stream = new FileStream(Path.Combine(dir, $"127.0.{octet}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new LoopbackRange(octet, stream);
            }
            catch (IOException)
            {
                // Held by another fixture; try the next range.
            }
        }

        throw new InvalidOperationException("Every loopback range 127.0.20-250.x is in use by other fixtures.");
    }

    /// <summary>A range and a scratch folder for one fixture; the range is released again if the folder cannot be made.</summary>
    public static (LoopbackRange Range, string Scratch) AcquireWithScratch(string name)
    {
        var range = Acquire();
        try
        {
            return (range, RepositoryRoot.NewScratch(name));
        }
        catch
        {
            range.Dispose(); // for the next fixture, not only when this process ends
            throw;
        }
    }

    public void Dispose() => _lock.Dispose();
}
