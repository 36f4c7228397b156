namespace Platform.Provision;

/// <summary>
/// The run was interrupted (Ctrl+C, SIGTERM) while Terraform applied a plan: still an interruption to
/// everything above, and <see cref="Changed"/> names what Terraform changed before it stopped (empty: nothing).
/// </summary>
public sealed class ApplyInterruptedException(string message, IReadOnlyList<string> changed, Exception inner) : OperationCanceledException(message, inner), IAppliedInPart
{
    public IReadOnlyList<string> Changed { get; } = changed;
}
