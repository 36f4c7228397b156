using Platform.Core;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// Puts the release on the nodes that lack it (uploaded and unpacked beside what runs), without
/// starting, stopping or rerouting anything: what the Stage target does, so that a later roll's
/// window holds only the switches. The service's settings are left to the roll (they need the
/// database's service role, which a first deploy creates later).
/// </summary>
internal sealed class ReleaseStager(RunContext run, DeployRun deploy)
{
    private IReporter Out => run.Reporter;

    public Task<RollResult> StageAsync(RollOptions options, PackagedRelease release, Task? locking = null) =>
        ProgressDeadline.RunAsync(run, options, "stage", token => StageWithinAsync(options, release, locking, token));

    private async Task<RollResult> StageWithinAsync(RollOptions options, PackagedRelease release, Task? locking, CancellationToken token)
    {
        var nodes = RollOptions.SelectNodes(deploy.Inventory, options.Node);
        var recap = deploy.NewRecap(nodes.Select(n => n.Name), Recap.TitleFor("Stage", run.CheckMode));
        var guard = new ContractGuard(run, deploy, token, locking);
        var states = await new NodeDiscovery(run, deploy).DiscoverOrSayStoppedAsync(nodes, () => Task.FromResult<IReadOnlyList<ServerStat>>([]), options.Version, locking, recap, token);
        // Refused here too, before any upload: a Deploy stages before it rolls.
        await guard.CheckAsync(release, NodeDiscovery.Running(states));
        var outcomes = new List<NodeOutcome>();
        var missing = new List<NodeState>();
        foreach (var s in states)
        {
            if (s.UpToDate)
            {
                // Never replaced under a running process, even when the tarball differs (a release rebuilt with --force).
                recap.Report(Out, s.Node.Name, "stage", Outcome.Ok, $"already runs {release.Version}");
                outcomes.Add(new NodeOutcome(s.Node.Name, Outcome.Ok, "already runs it"));
            }
            else if (s.Probe.ReleaseSha256 == release.Sha256)
            {
                recap.Report(Out, s.Node.Name, "stage", Outcome.Ok, $"release {release.Version} already there");
                outcomes.Add(new NodeOutcome(s.Node.Name, Outcome.Ok, "already staged"));
            }
            else if (run.CheckMode)
            {
                recap.Report(Out, s.Node.Name, "stage", Outcome.Changed, $"would upload release {release.Version}");
                outcomes.Add(new NodeOutcome(s.Node.Name, Outcome.Changed, "would upload"));
            }
            else
            {
                missing.Add(s);
            }
        }

        if (missing.Count > 0)
        {
            Out.Info($"Staging {release.Version} on {missing.Count} node(s), {Math.Min(options.UploadParallel, missing.Count)} at a time");
            using var uploads = new UploadQueue(run, deploy.Timeline, release, options.UploadParallel, token);
            try
            {
                outcomes.AddRange(await Task.WhenAll(missing.Select(async s =>
                {
                    try
                    {
                        await uploads.UploadAsync(s, settings: null, recap, "stage");
                        return new NodeOutcome(s.Node.Name, Outcome.Changed, $"release {release.Version} uploaded");
                    }
                    catch (PlatformException ex)
                    {
                        Out.Error($"[stage] {s.Node.Name}: failed ({ex.Message})");
                        recap.Record(s.Node.Name, Outcome.Failed);
                        return new NodeOutcome(s.Node.Name, Outcome.Failed, ex.Message);
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        // An upload broken off leaves nothing under the version's name (it is unpacked aside and renamed once complete).
                        recap.Record(s.Node.Name, Outcome.Skipped);
                        recap.Conclude(s.Node.Name, $"not staged: {(run.Cancellation.IsCancellationRequested ? "the run was stopped" : "the progress deadline ran out")}");
                        throw;
                    }
                })));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopped: what was staged and what was not, before the run ends.
                recap.Print(Out);
                throw;
            }
        }

        recap.Print(Out);
        return new RollResult(outcomes);
    }
}
