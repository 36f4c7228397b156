namespace Platform.Core;

/// <summary>Plain console output; the default outside Cake and in tests.</summary>
public sealed class ConsoleReporter(bool verbose = false) : IReporter
{
    private static readonly Lock Gate = new();

    public void Info(string message) => Write(Console.Out, message);

    public void Warn(string message) => Write(Console.Out, "WARNING: " + message);

    public void Error(string message) => Write(Console.Error, "ERROR: " + message);

    public void Verbose(string message)
    {
        if (verbose)
        {
            Write(Console.Out, message);
        }
    }

    private static void Write(TextWriter writer, string message)
    {
        lock (Gate)
        {
            writer.WriteLine(message);
        }
    }
}
