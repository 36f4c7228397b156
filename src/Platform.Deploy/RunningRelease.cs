using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// The release the app nodes run now: each node's record, checked against HAProxy as a roll checks it
/// (a run that died between its switch and its record leaves a record naming the drained slot: see
/// <see cref="NodeProbe.ReconciledWith(NodeLayout, IEnumerable{ServerStat}, DateTimeOffset, out string?)"/>),
/// and the version most nodes run.
/// </summary>
public static class RunningRelease
{
    /// <param name="damaged">Given, told of each node whose record is damaged (its record reads as null), as "name (file)".</param>
    /// <param name="only">One node's record only (the others need not be reachable): null, every app node's.</param>
    public static async Task<IReadOnlyDictionary<string, NodeRelease?>> ReadAllAsync(DeployRun deploy, CancellationToken token, ICollection<string>? damaged = null, string? only = null)
    {
        var stats = ReadStatsAsync(deploy, token);
        var records = await Task.WhenAll(deploy.Inventory.AppNodes.Where(h => only is null || h.Name == only).Select(async host =>
        {
            var node = await deploy.NodeAsync(host);
            var probe = await NodeProbe.ReadAsync(node, deploy.Processes, deploy.SlotPorts, "-", token);
            if (probe.RecordDamaged && damaged is not null)
            {
                lock (damaged)
                {
                    damaged.Add($"{host.Name} ({node.Layout.CurrentFile})");
                }
            }

            return (host.Name, Record: probe.ReconciledWith(node.Layout, await stats, DateTimeOffset.UtcNow, out _).Current);
        }));
        return records.ToDictionary(r => r.Name, r => r.Record);
    }

    /// <summary>The version most nodes run, or null when nothing was deployed yet.</summary>
    public static string? Majority(IReadOnlyDictionary<string, NodeRelease?> records) =>
        records.Values.Where(r => r is not null).GroupBy(r => r!.Version).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;

    private static async Task<IReadOnlyList<ServerStat>> ReadStatsAsync(DeployRun deploy, CancellationToken token) =>
        await (await deploy.HaproxyAsync()).ShowStatAsync(token);
}
