using System.Text.Json;
using Platform.Core;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// A node's record of what it runs (<c>current.json</c>): the release, its slot, the releases before it, and
/// those a plain Rollback passes over (<see cref="RolledBackFrom"/>: those a Rollback left, and one that failed
/// after replacing the process in place; absent in records written before it existed).
/// </summary>
public sealed record NodeRelease(string Version, int Slot, DateTimeOffset Since, IReadOnlyList<string> Previous, IReadOnlyList<string>? RolledBackFrom = null)
{
    public string ToJson() => JsonSerializer.Serialize(this, Inventory.Json);

    public static NodeRelease? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            var record = JsonSerializer.Deserialize<NodeRelease>(json, Inventory.Json);
            return record is not null && record.AsPlatformWritesIt() ? record : null;
        }
        catch (JsonException)
        {
            return null; // A damaged record is treated as "unknown": the node is rolled (see IsDamaged).
        }
    }

    // Well-formed JSON can still be a record edited by hand: a name that is no release (it would end up in
    // a path on the node, and in Rollback's choice), a missing list, a slot that is no port.
    private bool AsPlatformWritesIt() =>
        ReleaseVersion.IsValid(Version) && Slot is > 0 and <= 65535 && Previous is not null && Previous.All(ReleaseVersion.IsValid)
        && (RolledBackFrom ?? []).All(ReleaseVersion.IsValid);

    /// <summary>
    /// A record that is there (<paramref name="json"/> not null) but not one Platform wrote: empty or cut
    /// short (a disk that filled up), or edited by hand into something Platform would not write. A missing record (null) is a node never rolled.
    /// </summary>
    public static bool IsDamaged(string? json) => json is not null && Parse(json) is null;

    /// <summary>What to say of a damaged record at <paramref name="file"/>: a roll rewrites it from what runs and keeps the damaged one beside it.</summary>
    public static string DamagedMessage(string file) =>
        $"its record {file} is damaged (empty, or not the JSON Platform writes). A roll goes by what runs and HAProxy, rewrites it, and keeps the damaged one as {DamagedCopy(file)}; the releases it listed for Rollback are lost (Rollback --version= still works)";

    /// <summary>Where a roll keeps a damaged record (the first one: a later damage does not overwrite it).</summary>
    public static string DamagedCopy(string file) => file + ".damaged";

    /// <summary>
    /// The record after switching to <paramref name="version"/> on <paramref name="slot"/>; history keeps the newest
    /// first. A <paramref name="rollback"/> notes the release it leaves, so that the next plain Rollback goes further
    /// back instead of returning to it; rolling a release out again (not by Rollback) clears its note.
    /// </summary>
    public static NodeRelease After(NodeRelease? current, string version, int slot, DateTimeOffset now, bool rollback = false)
    {
        var previous = new List<string>();
        if (current is not null && current.Version != version)
        {
            previous.Add(current.Version);
        }

        previous.AddRange((current?.Previous ?? []).Where(v => v != version && !previous.Contains(v)));
        var left = rollback && current is not null && current.Version != version ? [current.Version] : new List<string>();
        left.AddRange((current?.RolledBackFrom ?? []).Where(v => v != version && !left.Contains(v)));
        return new NodeRelease(version, slot, now, previous.Take(5).ToList(), left.Count == 0 ? null : left.Take(5).ToList());
    }
}
