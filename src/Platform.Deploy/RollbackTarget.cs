using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// Which release Rollback goes back to, from what each node records (<see cref="NodeRelease"/>).
/// Nodes off the release most of them run (a canary, a roll that stopped part-way) go back to it when
/// they ran it before: that undoes the canary and touches nothing else. Otherwise every node goes back
/// to the release it ran before, which must be the same one on every node; when it is not, or a node
/// keeps none, the choice is the operator's (<c>--version</c>), and the message lists what each node ran.
/// </summary>
public static class RollbackTarget
{
    /// <summary>The release the operator chose (<c>--version</c>): it must be one the nodes ran.</summary>
    public static (string Version, string Why) Check(IReadOnlyDictionary<string, NodeRelease?> records, string chosen)
    {
        var running = Running(records);
        var ranBefore = records.Values.Where(r => r is not null).SelectMany(r => r!.Previous.Prepend(r.Version)).Distinct().ToList();
        if (!ranBefore.Contains(chosen))
        {
            var named = string.Join(", ", ranBefore.Select(v => v == running ? $"{v} (what most of them run)" : v));
            throw new RollbackRefusedException($"Rollback goes back to a release the nodes ran before, and {chosen} is not one of them (their records name {named}). To put {chosen} on the nodes, run RollNode --version={chosen}. Nothing was changed.", ranBefore);
        }

        return (chosen, $"Rolling back from {running} to {chosen}");
    }

    /// <returns>The release to roll back to, and a line saying why.</returns>
    /// <exception cref="PlatformException">Nothing is deployed, or the nodes disagree on (or lack) a previous release.</exception>
    public static (string Version, string Why) Choose(IReadOnlyDictionary<string, NodeRelease?> records)
    {
        var running = Running(records);
        // Split evenly, no release is the fleet's and none the canary: which way to go is the operator's choice.
        var split = records.Where(r => r.Value is not null).GroupBy(r => r.Value!.Version).OrderByDescending(g => g.Count()).ToList();
        if (split.Count > 1 && split[0].Count() == split[1].Count())
        {
            var sides = string.Join("; ", split.Where(g => g.Count() == split[0].Count()).Select(g => $"{g.Key} on {string.Join(", ", g.Select(r => r.Key).Order(StringComparer.Ordinal))}"));
            throw new RollbackRefusedException($"The nodes are split evenly ({sides}): no release is the one most of them run, so Rollback cannot tell which way is back. Pass --version= with the release to go back to. Nothing was changed.", [.. split.Where(g => g.Count() == split[0].Count()).Select(g => g.Key)]);
        }

        var off = records.Where(r => r.Value is not null && r.Value.Version != running).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        // Not a node an earlier Rollback took off the running release (a Rollback that stopped part-way): that would send it forward again.
        if (off.Count > 0 && off.All(r => r.Value!.Previous.Contains(running) && !(r.Value.RolledBackFrom ?? []).Contains(running)))
        {
            var nodes = string.Join(", ", off.Select(r => $"{r.Key} from {r.Value!.Version}"));
            return (running, $"Rolling back {nodes} to {running}, which the other nodes run");
        }

        var on = records.Where(r => r.Value?.Version == running).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        var previous = on.Select(r => Before(r.Value!)).Distinct().ToList();
        if (previous is [{ } target])
        {
            // A release an earlier Rollback left is passed over: a second Rollback goes further back, not forward again.
            var left = on.SelectMany(r => r.Value!.Previous.TakeWhile(v => v != target)).Distinct().ToList();
            return (target, $"Rolling back from {running} to {target}" + (left.Count == 0 ? string.Empty : $" (passing over {string.Join(", ", left)}, which an earlier Rollback left or which failed to start in place: --version= brings it back)"));
        }

        var each = string.Join(", ", records.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value is null
            ? $"{r.Key}: nothing"
            : $"{r.Key}: {r.Value.Version}, before it {Before(r.Value) ?? "nothing kept"}"));
        var ranBefore = records.Values.Where(r => r is not null).SelectMany(r => r!.Previous).Distinct().Where(v => v != running).ToList();
        if (previous is [null])
        {
            throw new RollbackRefusedException(
                ranBefore.Count == 0
                    ? $"The nodes run {running} and keep no earlier release ({each}): there is nothing to roll back to. To put another release on them, run RollNode --version=X.Y.Z. Nothing was changed."
                    : $"The nodes run {running}, and every earlier release they keep was left by a Rollback or failed to start in place ({string.Join(", ", ranBefore)}): a plain Rollback would go forward again. To go back to one of those, pass --version=. Nothing was changed.",
                ranBefore);
        }

        throw new RollbackRefusedException($"The nodes did not all run the same release before ({each}): pass --version= with the release to go back to, one of {string.Join(", ", ranBefore)}. Nothing was changed.", ranBefore);
    }

    // The release a node ran before, leaving out those a Rollback left.
    private static string? Before(NodeRelease record) => record.Previous.FirstOrDefault(v => !(record.RolledBackFrom ?? []).Contains(v));

    private static string Running(IReadOnlyDictionary<string, NodeRelease?> records) =>
        RunningRelease.Majority(records) ?? throw new PlatformException("Nothing is deployed: there is nothing to roll back.");
}
