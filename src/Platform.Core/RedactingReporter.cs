namespace Platform.Core;

/// <summary>Passes every line through a <see cref="SecretRedactor"/> before it reaches the inner reporter.</summary>
public sealed class RedactingReporter(IReporter inner, SecretRedactor redactor) : IReporter
{
    public void Info(string message) => inner.Info(redactor.Redact(message));

    public void Warn(string message) => inner.Warn(redactor.Redact(message));

    public void Error(string message) => inner.Error(redactor.Redact(message));

    public void Verbose(string message) => inner.Verbose(redactor.Redact(message));
}
