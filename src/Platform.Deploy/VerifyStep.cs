using Platform.Core;
using Platform.Release;
using Platform.Secrets;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// The Verify target: every app node answers <c>/version</c> with the expected release; HAProxy
/// shows each node's active slot UP and the other in MAINT; each node passes its compliance checks
/// (metrics, logs, security); then the release's own smoke tests run against the load balancer.
/// <c>--max-5xx-rate</c> (default 0.01) bounds the 5xx share since start. The release expected is
/// <c>--version</c>, else the one this run rolled out, else the one most nodes run.
/// </summary>
public sealed class VerifyStep(RunContext run)
{
    /// <summary><c>--max-5xx-rate</c>: a share from 0 to 1 (checked in Setup too, so Deploy fails before it changes anything).</summary>
    public static double MaxFiveXxRate(RunArguments arguments) => arguments.GetNumber("max-5xx-rate", 0.01, 0, 1);

    public async Task<Recap> RunAsync()
    {
        if (run.CheckMode)
        {
            var expected = run.Arguments.Get("version") ?? DeployRun.Current(run)?.Version;
            run.Reporter.Info($"Check mode: would check that every app node serves {expected ?? "the release most nodes run"} with its slot UP in HAProxy, each node's compliance, and the smoke tests through the load balancer.");
            return new Recap();
        }

        var deploy = await DeployRun.ForAsync(run);
        var version = await ExpectedVersionAsync(deploy);
        deploy.Version ??= version;
        var lb = await deploy.HaproxyAsync();
        var stats = await lb.ShowStatAsync(run.Cancellation);
        var circle = await new OperatorRegistry(SecretStoreFactory.Create(run)).ActiveAsync(run.Cancellation);
        var compliance = new NodeCompliance(deploy.Pool.Connector, circle, MaxFiveXxRate(run.Arguments), nodeOwnsAnyAddress: deploy.Inventory.ProcessManager == "systemd");
        var nodes = deploy.Inventory.AppNodes.ToList();
        var recap = deploy.NewRecap(nodes.Select(n => n.Name), Recap.TitleFor("Verify", run.CheckMode));

        // "checks", not the roll's own post-switch "verify": a Deploy's report shows both, apart.
        await Task.WhenAll(nodes.Select(host => deploy.Timeline.MeasureAsync(host.Name, "checks", async () =>
        {
            IReadOnlyList<ComplianceResult> results;
            try
            {
                results = await CheckNodeAsync(deploy, await deploy.NodeAsync(host), version, stats, lb, compliance);
            }
            catch (PlatformException ex)
            {
                // A node that cannot be reached fails its own checks; the others are still checked and the recap printed.
                results = [new ComplianceResult("reachable", false, ex.Message)];
            }

            foreach (var result in results)
            {
                var line = $"[verify] {host.Name}: {(result.Passed ? "ok" : "FAILED")} {result.Check}: {result.Detail}";
                if (result.Passed)
                {
                    run.Reporter.Info(line);
                }
                else
                {
                    run.Reporter.Error(line);
                }
                recap.Record(host.Name, result.Passed ? Outcome.Ok : Outcome.Failed);
            }

            return results.All(r => r.Passed);
        }, passed => passed ? null : "failed")));
        recap.Print(run.Reporter);
        if (recap.HasFailures)
        {
            throw new PlatformException($"Verify failed on {string.Join(", ", recap.Hosts.Where(h => recap.Count(h, Outcome.Failed) > 0))}: see its FAILED checks (above in the console; under \"Warnings and errors\" in the report).");
        }

        await new SmokeTestRunner(run).RunAsync(deploy.Releases.Find(version), deploy.Inventory.ServiceUrl, "through the load balancer");

        return recap;
    }

    // --version, else what this run rolled out, else what most nodes run: a Verify on its own checks the
    // environment as it is (the version derived from git names the tree, which may not be deployed at all).
    private async Task<string> ExpectedVersionAsync(DeployRun deploy)
    {
        if (run.Arguments.Get("version") is not null || deploy.Version is not null)
        {
            return deploy.Version ?? await ReleaseVersion.ResolveAsync(run);
        }

        var running = RunningRelease.Majority(await RunningRelease.ReadAllAsync(deploy, run.Cancellation));
        if (running is not null)
        {
            run.Reporter.Info($"No --version: checking {running}, the release most nodes run.");
        }

        return running ?? await ReleaseVersion.ResolveAsync(run);
    }

    // The node's record, checked against HAProxy as a roll checks it: a record that cannot be read, or
    // names a slot HAProxy does not send traffic to, fails its own check, and the other checks still run
    // on the slot HAProxy serves (one failure would otherwise hide the state of the whole node).
    private async Task<IReadOnlyList<ComplianceResult>> CheckNodeAsync(DeployRun deploy, NodeSession node, string version, IReadOnlyList<ServerStat> stats, HaproxyRuntime lb, NodeCompliance compliance)
    {
        var probe = await NodeProbe.ReadAsync(node, deploy.Processes, deploy.SlotPorts, version, run.Cancellation);
        var reconciled = probe.ReconciledWith(node.Layout, stats, DateTimeOffset.UtcNow, out var correction);
        var rewrite = $"Roll the node to rewrite it: ./build.sh --target=RollNode --node={node.Name} --version={version}";
        var results = new List<ComplianceResult>();
        if (probe.RecordDamaged)
        {
            results.Add(new ComplianceResult("record", false, $"{NodeRelease.DamagedMessage(node.Layout.CurrentFile)}. {rewrite}"));
        }
        else if (correction is not null)
        {
            results.Add(new ComplianceResult("record", false, $"{correction}. {rewrite}"));
        }

        if (reconciled.Current is not { } current)
        {
            if (!probe.RecordDamaged)
            {
                results.Add(new ComplianceResult("release", false, "no release recorded on the node (never rolled)"));
            }

            return results;
        }

        if (results.Count == 0)
        {
            results.Add(new ComplianceResult("record", true, $"{current.Version} on {current.Slot}"));
        }

        var (status, body) = await RemoteHttp.GetAsync(node, current.Slot, "/version", run.Cancellation);
        var served = status == 200 && RemoteHttp.ReleaseIn(body) == version;
        results.Add(new ComplianceResult("version", served, served ? $"/version on {current.Slot} answers {version}" : $"/version on {current.Slot} {RemoteHttp.Describe(status, body)}; expected {version}"));

        stats = await SettledAsync(lb, stats, node.Layout.ServerName(current.Slot));
        foreach (var stat in stats.Where(s => s.Server.StartsWith(node.Name + "_", StringComparison.Ordinal)))
        {
            var active = stat.Server == node.Layout.ServerName(current.Slot);
            var ok = active ? stat.IsUp : stat.IsMaintenance;
            results.Add(new ComplianceResult($"haproxy {stat.Server}", ok, $"{stat.Status} (expected {(active ? "UP" : "MAINT")}){(ok || stat.LastCheck is null ? string.Empty : $"; last health check: {stat.LastCheck}")}"));
        }

        // A release still running on the idle slot: N+1 started by a run that died before it switched (or stopped N).
        foreach (var (_, stray) in reconciled.RunningBeside(current.Slot))
        {
            results.Add(new ComplianceResult("idle slot", false, $"{stray}, left by a run that was interrupted: RollNode stops it (./build.sh --target=RollNode --version={version})"));
        }

        results.AddRange(await compliance.CheckAsync(node, current.Version, current.Slot, run.Cancellation));
        return results;
    }

    // An active slot that HAProxy still shows DOWN is asked again for a few seconds: a slot whose checks
    // failed while the database was away comes back UP at its next check (one a second), and a Verify
    // right after the recovery must not fail for that.
    private async Task<IReadOnlyList<ServerStat>> SettledAsync(HaproxyRuntime lb, IReadOnlyList<ServerStat> stats, string active)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (stats.FirstOrDefault(s => s.Server == active) is { IsUp: false, IsMaintenance: false, IsDraining: false } && DateTime.UtcNow < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), run.Cancellation);
            stats = await lb.ShowStatAsync(run.Cancellation);
        }

        return stats;
    }
}
