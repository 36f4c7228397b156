using Platform.Core;

namespace Platform.Deploy;

/// <summary>The release the app nodes run now, as they record it (the version most nodes run).</summary>
public static class RunningRelease
{
    public static async Task<IReadOnlyDictionary<string, NodeRelease?>> ReadAllAsync(DeployRun deploy, CancellationToken token)
    {
        var records = await Task.WhenAll(deploy.Inventory.AppNodes.Select(async host =>
        {
            var node = await deploy.NodeAsync(host);
            return (host.Name, Record: NodeRelease.Parse(await node.Ssh.ReadFileAsync(node.Layout.CurrentFile, token)));
        }));
        return records.ToDictionary(r => r.Name, r => r.Record);
    }

    /// <summary>The version most nodes run, or null when nothing was deployed yet.</summary>
    public static string? Majority(IReadOnlyDictionary<string, NodeRelease?> records) =>
        records.Values.Where(r => r is not null).GroupBy(r => r!.Version).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;
}
