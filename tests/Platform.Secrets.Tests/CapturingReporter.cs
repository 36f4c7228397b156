using System.Collections.Concurrent;
using Platform.Core;

namespace Platform.Secrets.Tests;

/// <summary>Keeps every line reported (verbose included), to assert on warnings and on what never gets logged.</summary>
internal sealed class CapturingReporter : IReporter
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Text => string.Join('\n', _lines);

    public void Info(string message) => _lines.Enqueue("INFO " + message);

    public void Warn(string message) => _lines.Enqueue("WARN " + message);

    public void Error(string message) => _lines.Enqueue("ERROR " + message);

    public void Verbose(string message) => _lines.Enqueue("VERBOSE " + message);
}
