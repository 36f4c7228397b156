namespace Platform.Core;

/// <summary>
/// A task's failure reaches the console through Cake, not through the run's redacting reporter: Cake prints its
/// message (and, with <c>--verbosity=diagnostic</c>, the whole exception with its inner ones). A failure whose text
/// holds a secret (remote stderr, a tool's error, a value quoted from a file) is thrown again as its redacted
/// message alone; any other goes on untouched, its stack and inner exceptions kept for diagnosis.
/// </summary>
public static class RedactedErrors
{
    public static async Task RunAsync(Func<Task> body, SecretRedactor redactor)
    {
        try
        {
            await body();
        }
        catch (Exception ex) when (Holds(ex, redactor))
        {
            throw new PlatformException(redactor.Redact(ex.Message));
        }
    }

    private static bool Holds(Exception ex, SecretRedactor redactor)
    {
        var text = ex.ToString();
        return redactor.Redact(text) != text;
    }
}
