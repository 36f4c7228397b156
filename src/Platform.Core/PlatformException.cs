namespace Platform.Core;

/// <summary>
/// An error the user can act on. Its message is shown as-is (no stack trace), so it must name
/// the file, field or value at fault and say what to do.
/// </summary>
public class PlatformException : Exception
{
    public PlatformException(string message) : base(message) { }

    public PlatformException(string message, Exception inner) : base(message, inner) { }
}
