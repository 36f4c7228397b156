using System.Collections.Concurrent;
using Platform.Core;

namespace Platform.TestSupport;

/// <summary>Keeps every line a step reports (for assertions) and echoes it to the test log.</summary>
public sealed class RecordingReporter(TextWriter? echo = null) : IReporter
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Text => string.Join(Environment.NewLine, _lines);

    public void Info(string message) => Add("INFO", message);

    public void Warn(string message) => Add("WARN", message);

    public void Error(string message) => Add("ERROR", message);

    public void Verbose(string message) => Add("VERBOSE", message);

    private void Add(string level, string message)
    {
        _lines.Enqueue($"{level} {message}");
        echo?.WriteLine($"{level} {message}");
    }
}
