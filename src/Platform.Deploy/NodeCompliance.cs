using Platform.Core;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>One compliance finding: which check, whether it passed, and what was seen.</summary>
public sealed record ComplianceResult(string Check, bool Passed, string Detail);

/// <summary>
/// The compliance of an app node running a release: metrics (5xx rate since start under a
/// threshold), logs (no error-level entries since start), security (root authorized_keys is the
/// trusted circle, sshd refuses password logins, only SSH and the active slot listen on the node's
/// address).
/// </summary>
public sealed class NodeCompliance(SshConnector connector, IReadOnlyList<Operator> circle, double max5xxRate, bool nodeOwnsAnyAddress)
{
    public async Task<IReadOnlyList<ComplianceResult>> CheckAsync(NodeSession node, string version, int slot, CancellationToken token)
    {
        var results = new List<ComplianceResult>();

        var (status, metrics) = await RemoteHttp.GetAsync(node, slot, "/metrics", token);
        var reading = MetricsReading.Parse(metrics);
        results.Add(status != 200
            ? new ComplianceResult("metrics", false, $"/metrics on {slot} {RemoteHttp.Describe(status, string.Empty)}")
            : new ComplianceResult("metrics", reading.ServerErrorRate <= max5xxRate, $"{reading.ServerErrors:0} of {reading.Total:0} requests served (health checks aside) were 5xx ({reading.ServerErrorRate:P2}; limit {max5xxRate:P2})"));

        var errors = await NodeLog.ErrorCountAsync(node, version, slot, token);
        results.Add(new ComplianceResult("logs", errors == 0, errors == 0 ? "no error-level entries since start" : $"{errors} error-level entries in {node.Layout.LogFile(version, slot)}"));

        var (current, expired) = AuthorizedKeysPlan.WithoutExpired(await node.Ssh.ReadFileAsync(node.Layout.Node.AuthorizedKeysFile, token), DateTimeOffset.UtcNow);
        var keys = AuthorizedKeysPlan.For(current, circle);
        var stillListed = expired.Count == 0 ? string.Empty : $" (and the expired key(s) of {string.Join(", ", expired)}, which sshd refuses; the next SeedKeys removes them)";
        var second = node.Layout.Node.SecondAuthorizedKeysFile is { } path && await node.Ssh.ReadFileAsync(path, token) is not null ? path : null;
        results.Add(new ComplianceResult(
            "authorized_keys",
            !keys.Changes && second is null,
            keys.Changes ? $"differs from the trusted circle ({keys.Describe()}); run SeedKeys"
            : second is not null ? $"{second} exists beside the circle's file, and sshd reads it too (keys there get in outside the circle); run SeedKeys"
            : "exactly the trusted circle" + stillListed));

        try
        {
            var methods = await connector.ProbePasswordLoginAsync(node.Layout.Node, token);
            var passwordRefused = !methods.Contains("accepted", StringComparison.Ordinal) && !methods.Contains("password", StringComparison.OrdinalIgnoreCase);
            results.Add(new ComplianceResult("ssh password login", passwordRefused, passwordRefused ? $"refused ({methods.Trim()})" : $"offered: {methods.Trim()}"));
        }
        catch (PlatformException ex)
        {
            // A new connection failed where the run's own still works (sshd died meanwhile): a failed check of this node.
            results.Add(new ComplianceResult("ssh password login", false, ex.Message));
        }

        var tcp = await node.Ssh.RunCheckedAsync("cat /proc/net/tcp /proc/net/tcp6 2>/dev/null", "reading listening sockets", token);
        var listening = ListeningPorts.On(tcp, node.Address, nodeOwnsAnyAddress);
        var expected = new SortedSet<int> { node.Layout.Node.SshPort, slot };
        var unexpected = listening.Except(expected).ToList();
        var missing = expected.Except(listening).ToList();
        results.Add(new ComplianceResult(
            "listening ports",
            unexpected.Count == 0 && missing.Count == 0,
            $"listening {string.Join(",", listening)}; expected {string.Join(",", expected)}{(unexpected.Count > 0 ? $"; unexpected {string.Join(",", unexpected)}" : string.Empty)}{(missing.Count > 0 ? $"; missing {string.Join(",", missing)}" : string.Empty)}"));
        return results;
    }
}
