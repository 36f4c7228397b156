using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// <c>--strategy=restart</c>, the naive baseline the zero-downtime roll is measured against: on every node at
/// once, the release is stopped and the new one started on the same slot.
/// </summary>
internal sealed class InPlaceRestarter(RunContext run, DeployRun deploy)
{
    private IReporter Out => run.Reporter;

    // The naive baseline: stop N, start N+1 on the same slot. Requests hitting the gap fail. A stop or start that
    // fails is this node's failure, like one that never gets ready: the other nodes' outcomes and the recap stand.
    public async Task<NodeOutcome> RestartAsync(NodeState s, HaproxyRuntime lb, RollOptions options, Recap recap, CancellationToken token)
    {
        NodeOutcome outcome;
        try
        {
            outcome = await RestartInPlaceAsync(s, lb, options, recap, token);
        }
        catch (PlatformException ex)
        {
            var replaced = s.Current is { } was ? $"{was.Version} may be stopped, and " : string.Empty;
            Out.Error($"[restart] {s.Node.Name}: failed: {replaced}{options.Version} did not start ({ex.Message}); the node may serve nothing until it is rolled again");
            recap.Record(s.Node.Name, Outcome.Failed);
            outcome = new NodeOutcome(s.Node.Name, Outcome.Failed, $"{replaced}{options.Version} did not start ({ex.Message}): it may serve nothing");
        }

        recap.Conclude(s.Node.Name, outcome.Outcome == Outcome.Failed ? "failed: may serve nothing" : $"restarted to {options.Version}");
        return outcome;
    }

    private async Task<NodeOutcome> RestartInPlaceAsync(NodeState s, HaproxyRuntime lb, RollOptions options, Recap recap, CancellationToken token)
    {
        var node = s.Node;
        var slot = s.ActiveSlot ?? deploy.SlotPorts[0];
        await deploy.Timeline.MeasureAsync(node.Name, "stop", () => deploy.Processes.StopAsync(node, slot, options.StopTimeout, token));
        var pid = await deploy.Timeline.MeasureAsync(node.Name, "start", () => deploy.Processes.StartAsync(node, options.Version, slot, token));
        var (ready, detail) = await deploy.Timeline.MeasureAsync(node.Name, "ready", () => ProgressTicker.WhileAsync(
            () => ReadinessWait.UntilReadyAsync(node, slot, pid, options.ReadyTimeout, token), ReadyProgress.Every, ReadyProgress.StillWaiting(Out, node.Name, options.Version, slot, options.ReadyTimeout), token), r => r.Ready ? null : "failed");
        if (!ready)
        {
            // The slot's last log lines say why, as a roll's failure does (a release that exits at once says no more than "died").
            var replaced = s.Current is { } was ? $"{was.Version} was stopped and " : string.Empty;
            var log = await NodeLog.TailAsync(node, options.Version, slot, token);
            Out.Error($"[restart] {node.Name}: failed: {replaced}{options.Version} is not ready on {slot} ({detail}); the node serves nothing until it is rolled again{log}");
            recap.Record(node.Name, Outcome.Failed);
            return new NodeOutcome(node.Name, Outcome.Failed, $"{replaced}{options.Version} is not ready ({detail}): it serves nothing{log}");
        }

        if ((await lb.StatAsync(node.Layout.ServerName(slot), token)).IsMaintenance)
        {
            await lb.ActivateAsync(node.Layout.ServerName(slot), node.Address, slot, token);
        }

        recap.Report(Out, node.Name, "restart", Outcome.Changed, $"{options.Version} on {slot} (restarted in place)");
        await ReleaseUploader.RecordRollAsync(node, s.Current, options.Version, slot, options, token);
        return new NodeOutcome(node.Name, Outcome.Changed, $"restarted on {slot}");
    }
}
