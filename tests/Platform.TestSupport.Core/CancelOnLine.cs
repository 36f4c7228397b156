namespace Platform.TestSupport;

/// <summary>
/// An echo for <see cref="RecordingReporter"/> that cancels a run when it says a line containing <paramref name="marker"/>:
/// a Ctrl+C at a chosen point of a step.
/// </summary>
public sealed class CancelOnLine(string marker, CancellationTokenSource stop) : TextWriter
{
    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void WriteLine(string? value)
    {
        if (value?.Contains(marker, StringComparison.Ordinal) == true)
        {
            stop.Cancel();
        }
    }
}
