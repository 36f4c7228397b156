using Platform.Core;

namespace Platform.Bench;

/// <summary>
/// Keeps the benchmark's console readable: the steps it runs dozens of times write their full
/// output to a log file; only warnings and errors also reach the console.
/// </summary>
public sealed class LogFileReporter(string path, IReporter console) : IReporter, IDisposable
{
    private readonly StreamWriter _file = CreateWriter(path);
    private readonly Lock _gate = new();

    public void Info(string message) => Write("INFO", message);

    public void Warn(string message)
    {
        Write("WARN", message);
        console.Warn(message);
    }

    public void Error(string message)
    {
        Write("ERROR", message);
        console.Error(message);
    }

    public void Verbose(string message) => Write("VERBOSE", message);

    public void Dispose() => _file.Dispose();

    private void Write(string level, string message)
    {
        lock (_gate)
        {
            _file.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {level} {message}");
        }
    }

    private static StreamWriter CreateWriter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new StreamWriter(path, append: false) { AutoFlush = true };
    }
}
