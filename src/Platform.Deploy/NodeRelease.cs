using System.Text.Json;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>A node's record of what it runs (<c>current.json</c>): the release, its slot, and the releases before it.</summary>
public sealed record NodeRelease(string Version, int Slot, DateTimeOffset Since, IReadOnlyList<string> Previous)
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
            return JsonSerializer.Deserialize<NodeRelease>(json, Inventory.Json);
        }
        catch (JsonException)
        {
            return null; // A damaged record is treated as "unknown": the node is rolled.
        }
    }

    /// <summary>The record after switching to <paramref name="version"/> on <paramref name="slot"/>; history keeps the newest first.</summary>
    public static NodeRelease After(NodeRelease? current, string version, int slot, DateTimeOffset now)
    {
        var previous = new List<string>();
        if (current is not null && current.Version != version)
        {
            previous.Add(current.Version);
        }

        previous.AddRange((current?.Previous ?? []).Where(v => v != version && !previous.Contains(v)));
        return new NodeRelease(version, slot, now, previous.Take(5).ToList());
    }
}
