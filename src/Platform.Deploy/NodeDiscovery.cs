using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// A roll's and a stage's first step: each node is asked what it runs (its record, its live slots and the
/// release each runs, its settings: <see cref="NodeProbe"/>) and HAProxy what it serves, the two reconciled,
/// while the deploy lock is being taken.
/// </summary>
internal sealed class NodeDiscovery(RunContext run, DeployRun deploy)
{
    private IReporter Out => run.Reporter;

    // The release most nodes serve (a node whose recorded process is not alive serves nothing).
    public static string? Running(NodeState[] states) =>
        RunningRelease.Majority(states.ToDictionary(s => s.Node.Name, s => s.ActiveSlot is null ? null : s.Current));

    // The nodes are asked while the deploy lock is being taken (no wait added), and asked again once
    // it is held if another run released it meanwhile: that run may have changed them since.
    public async Task<NodeState[]> DiscoverOrSayStoppedAsync(List<Core.InventoryHost> nodes, Func<Task<IReadOnlyList<ServerStat>>> stats, string version, Task? locking, Recap recap, CancellationToken token)
    {
        try
        {
            return await DiscoverUnderLockAsync(nodes, stats, version, locking, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped (Ctrl+C, the deadline) while the nodes were asked: none was touched, and the recap and the
            // report still say so of each, rather than listing them with nothing done and no word why.
            foreach (var node in nodes)
            {
                recap.Record(node.Name, Outcome.Skipped);
                recap.Conclude(node.Name, $"skipped: {RollStop.Why(run, token)}, while the nodes were asked what they run");
            }

            recap.Print(Out);
            throw;
        }
    }

    private async Task<NodeState[]> DiscoverUnderLockAsync(List<Core.InventoryHost> nodes, Func<Task<IReadOnlyList<ServerStat>>> stats, string version, Task? locking, CancellationToken token)
    {
        var asked = DateTime.UtcNow;
        var first = stats();
        var states = await Task.WhenAll(nodes.Select(n => DiscoverAsync(n, first, version, token)));
        await (locking ?? Task.CompletedTask);
        if (!deploy.Lock.NodesMayHaveChangedSince(asked))
        {
            return states;
        }

        Out.Info($"Another run released the deploy lock {deploy.Lock.ReleasedBefore!.Value.TotalSeconds:0.00} s before this one took it, while this one asked the nodes: asking them again");
        var again = stats();
        return await Task.WhenAll(nodes.Select(n => DiscoverAsync(n, again, version, token)));
    }

    private async Task<NodeState> DiscoverAsync(Core.InventoryHost host, Task<IReadOnlyList<ServerStat>> allStats, string version, CancellationToken token)
    {
        var node = await deploy.NodeAsync(host);
        var read = await deploy.Timeline.MeasureAsync(host.Name, "discover", () => NodeProbe.ReadAsync(node, deploy.Processes, deploy.SlotPorts, version, token));
        var stats = (await allStats).Where(s => s.Server.StartsWith(host.Name + "_", StringComparison.Ordinal)).ToList();
        if (read.RecordDamaged)
        {
            Out.Warn($"[discover] {host.Name}: {NodeRelease.DamagedMessage(node.Layout.CurrentFile)}");
            if (!run.CheckMode)
            {
                // Kept before anything rewrites it: nothing a user has is lost.
                var (file, copy) = (ShellQuote.Quote(node.Layout.CurrentFile), ShellQuote.Quote(NodeRelease.DamagedCopy(node.Layout.CurrentFile)));
                await node.Ssh.RunCheckedAsync($"[ -e {copy} ] || cp -p {file} {copy}", "keeping the damaged record", token);
            }
        }

        var probe = read.ReconciledWith(node.Layout, stats, DateTimeOffset.UtcNow, out var correction);
        if (correction is not null)
        {
            Out.Warn($"[discover] {host.Name}: {correction}");
        }

        Out.Verbose($"[discover] {host.Name}: {(probe.ActiveSlot is { } slot ? $"runs {probe.Current!.Version} on {slot}" : "runs nothing")}");
        // A corrected node is rolled even when it serves the version: its slot took traffic without a
        // record, so it may never have passed the post-switch check. It gets a fresh start, checked.
        return new NodeState(node, probe, correction is null && probe.ActiveSlot is not null && probe.Current!.Version == version, stats);
    }
}
