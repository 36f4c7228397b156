namespace Platform.Provision;

/// <summary>An Apply that Terraform did not finish, failed or interrupted, after it changed part of the plan.</summary>
public interface IAppliedInPart
{
    /// <summary>The resource addresses whose state differs from the plan's prior state (for the audit line's <c>changed=</c>).</summary>
    IReadOnlyList<string> Changed { get; }
}
