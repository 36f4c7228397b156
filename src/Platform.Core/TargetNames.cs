namespace Platform.Core;

/// <summary>The targets that share a behaviour, named once for every place that asks.</summary>
public static class TargetNames
{
    /// <summary>The targets that put a release on the app nodes (their options: batch size, node, timeouts).</summary>
    public static readonly IReadOnlySet<string> OnAppNodes = new HashSet<string>(StringComparer.Ordinal) { "Stage", "RollNode", "Rollback" };

    /// <summary>The targets whose run is a rollout: audited and reported as one, under the deploy lock.</summary>
    public static readonly IReadOnlySet<string> Rollouts = new HashSet<string>(StringComparer.Ordinal) { "Deploy", "Stage", "RollNode", "Rollback" };

    /// <summary>The targets that run migrations.</summary>
    public static readonly IReadOnlySet<string> Migrating = new HashSet<string>(StringComparer.Ordinal) { "MigrateDb", "ExpandDb", "ContractDb" };
}
