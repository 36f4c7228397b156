using System.Collections.Concurrent;

namespace Platform.Core;

/// <summary>
/// Passes every line on and keeps the warnings and errors of the run, so that the deploy report
/// (the file CI keeps) carries why a run failed or what it put back, not only the console did.
/// Only the first <see cref="Limit"/> are kept: a run that fails on 200 nodes is told by its first lines.
/// </summary>
public sealed class ProblemRecorder(IReporter inner) : IReporter
{
    public const int Limit = 200;

    private readonly ConcurrentQueue<string> _problems = new();

    /// <summary>The run's warnings and errors so far, in order, each with its level (<c>ERROR …</c>, <c>WARN …</c>).</summary>
    public IReadOnlyList<string> Problems => _problems.ToArray();

    public void Info(string message) => inner.Info(message);

    public void Warn(string message)
    {
        Keep("WARN", message);
        inner.Warn(message);
    }

    public void Error(string message)
    {
        Keep("ERROR", message);
        inner.Error(message);
    }

    public void Verbose(string message) => inner.Verbose(message);

    private void Keep(string level, string message)
    {
        if (_problems.Count < Limit)
        {
            _problems.Enqueue($"{level} {message}");
        }
    }
}
