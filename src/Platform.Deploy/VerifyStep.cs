using Platform.Core;
using Platform.Release;
using Platform.Secrets;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// The Verify target: every app node answers <c>/version</c> with the expected release; HAProxy
/// shows each node's active slot UP and the other in MAINT; each node passes its compliance checks
/// (metrics, logs, security); then the release's own smoke tests run against the load balancer.
/// <c>--max-5xx-rate</c> (default 0.01) bounds the 5xx share since start.
/// </summary>
public sealed class VerifyStep(RunContext run)
{
    /// <summary><c>--max-5xx-rate</c>: a share from 0 to 1 (checked in Setup too, so Deploy fails before it changes anything).</summary>
    public static double MaxFiveXxRate(RunArguments arguments) => arguments.GetNumber("max-5xx-rate", 0.01, 0, 1);

    public async Task<Recap> RunAsync()
    {
        var version = await ReleaseVersion.ResolveAsync(run);
        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would check that every app node serves {version} with its slot UP in HAProxy, each node's compliance, and the smoke tests through the load balancer.");
            return new Recap();
        }

        var deploy = await DeployRun.ForAsync(run);
        deploy.Version ??= version;
        var lb = await deploy.HaproxyAsync();
        var stats = await lb.ShowStatAsync(run.Cancellation);
        var circle = await new OperatorRegistry(SecretStoreFactory.Create(run)).ActiveAsync(run.Cancellation);
        var compliance = new NodeCompliance(deploy.Pool.Connector, circle, MaxFiveXxRate(run.Arguments), nodeOwnsAnyAddress: deploy.Inventory.ProcessManager == "systemd");
        var nodes = deploy.Inventory.AppNodes.ToList();
        var recap = deploy.NewRecap(nodes.Select(n => n.Name));

        await Task.WhenAll(nodes.Select(host => deploy.Timeline.MeasureAsync(host.Name, "verify", async () =>
        {
            IReadOnlyList<ComplianceResult> results;
            try
            {
                results = await CheckNodeAsync(await deploy.NodeAsync(host), version, stats, compliance);
            }
            catch (PlatformException ex)
            {
                // A node that cannot be reached fails its own checks; the others are still checked and the recap printed.
                results = [new ComplianceResult("reachable", false, ex.Message)];
            }

            foreach (var result in results)
            {
                run.Reporter.Info($"[verify] {host.Name}: {(result.Passed ? "ok" : "FAILED")} {result.Check}: {result.Detail}");
                recap.Record(host.Name, result.Passed ? Outcome.Ok : Outcome.Failed);
            }
        })));
        recap.Print(run.Reporter, Recap.TitleFor("Verify", run.CheckMode));
        if (recap.HasFailures)
        {
            throw new PlatformException($"Verify failed on {string.Join(", ", recap.Hosts.Where(h => recap.Count(h, Outcome.Failed) > 0))}: see the failed checks above.");
        }

        await new SmokeTestRunner(run).RunAsync(deploy.Releases.Find(version), deploy.Inventory.ServiceUrl, "through the load balancer");

        return recap;
    }

    private async Task<IReadOnlyList<ComplianceResult>> CheckNodeAsync(NodeSession node, string version, IReadOnlyList<ServerStat> stats, NodeCompliance compliance)
    {
        var text = await node.Ssh.ReadFileAsync(node.Layout.CurrentFile, run.Cancellation);
        var current = NodeRelease.Parse(text);
        if (current is null)
        {
            return [new ComplianceResult("release", false, NodeRelease.IsDamaged(text)
                ? NodeRelease.DamagedMessage(node.Layout.CurrentFile) + ". Roll the node (RollNode --node=" + node.Name + ") to rewrite it"
                : "no release recorded on the node (never rolled)")];
        }

        var results = new List<ComplianceResult>();
        var (status, body) = await RemoteHttp.GetAsync(node, current.Slot, "/version", run.Cancellation);
        var served = status == 200 && body.Contains($"\"release\":\"{version}\"", StringComparison.Ordinal);
        results.Add(new ComplianceResult("version", served, served ? $"/version on {current.Slot} answers {version}" : $"/version on {current.Slot} {RemoteHttp.Describe(status, body)}; expected {version}"));

        foreach (var stat in stats.Where(s => s.Server.StartsWith(node.Name + "_", StringComparison.Ordinal)))
        {
            var active = stat.Server == node.Layout.ServerName(current.Slot);
            var ok = active ? stat.IsUp : stat.IsMaintenance;
            results.Add(new ComplianceResult($"haproxy {stat.Server}", ok, $"{stat.Status} (expected {(active ? "UP" : "MAINT")})"));
        }

        results.AddRange(await compliance.CheckAsync(node, current.Version, current.Slot, run.Cancellation));
        return results;
    }
}
