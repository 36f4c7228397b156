using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// Terraform failed applying a plan after it had changed part of it: <see cref="Changed"/> names the resource
/// addresses whose state differs from the plan's (the audit line records them beside what was planned).
/// </summary>
public sealed class PartiallyAppliedException(string message, IReadOnlyList<string> changed, Exception inner) : PlatformException(message, inner), IAppliedInPart
{
    public IReadOnlyList<string> Changed { get; } = changed;
}
