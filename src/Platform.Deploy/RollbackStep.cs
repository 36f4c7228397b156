using Platform.Core;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>
/// The Rollback target: rolls the app nodes back (see <see cref="RollbackTarget"/> for which release;
/// <c>--version=</c> picks another one they ran; <c>--node=</c> rolls back that node alone, by its own record) with the
/// same zero-downtime steps.
/// Refused when the database was already contracted past that release (see <see cref="ContractGuard"/>).
/// </summary>
public sealed class RollbackStep(RunContext run)
{
    public async Task<RollResult> RunAsync()
    {
        var deploy = await DeployRun.ForAsync(run);
        var damaged = new List<string>();
        // With --node, that node's own record decides (it ran the release it goes back to): the other nodes need not
        // be reachable, as in an incident where one host is down and a bad release must come off another.
        IReadOnlyDictionary<string, NodeRelease?> records;
        try
        {
            records = await RunningRelease.ReadAllAsync(deploy, run.Cancellation, damaged, run.Arguments.Get("node"));
        }
        catch (HostUnreachableException ex) when (run.Arguments.Get("node") is null && deploy.Inventory.AppNodes.Any(h => h.Name == ex.Host))
        {
            var answered = await WhatEachRunsAsync(deploy, ex.Host);
            throw new PlatformException($"{ex.Message} A Rollback of every node needs each of them ({answered}). To take a bad release off the nodes that answer meanwhile, run Rollback --node=NAME for each node that runs it: a node goes back to the release before its own (from its record), so one already on the release to keep would go back further. Nothing was changed.", ex);
        }

        string release, why;
        try
        {
            (release, why) = run.Arguments.Get("version") is { } chosen ? RollbackTarget.Check(records, chosen) : RollbackTarget.Choose(records);
        }
        catch (PlatformException ex)
        {
            // The refusal is about what the records say; a damaged one says nothing, and that is the cause to name.
            var damagedNote = damaged.Count == 0 ? string.Empty : $" The record of {string.Join(", ", damaged.Order(StringComparer.Ordinal))} is damaged (empty, or not the JSON Platform writes): what that node ran before is unknown; pass --version= with a release the nodes ran (a roll rewrites the record and keeps the damaged one beside it).";
            var refusedNote = ex is RollbackRefusedException { Offered.Count: > 0 } refused ? await RefusedNoteAsync(deploy, refused.Offered) : string.Empty;
            if (damagedNote.Length == 0 && refusedNote.Length == 0)
            {
                throw;
            }

            throw new PlatformException(ex.Message + damagedNote + refusedNote, ex);
        }

        // Said once: RollNode then only checks that HAProxy sends each node traffic on its slot.
        run.Reporter.Info(records.Values.All(r => r?.Version == release) ? $"Every node already runs {release}: nothing to roll back." : why);
        return await new RollNodeStep(run).RunAsync(release, "Rollback");
    }

    // Which node runs what, of those that answer: the operator picks the nodes to roll back one by one.
    private async Task<string> WhatEachRunsAsync(DeployRun deploy, string unreachable)
    {
        var said = new List<string>();
        foreach (var host in deploy.Inventory.AppNodes)
        {
            try
            {
                var record = host.Name == unreachable ? null : (await RunningRelease.ReadAllAsync(deploy, run.Cancellation, only: host.Name))[host.Name];
                said.Add(host.Name == unreachable ? $"{host.Name} cannot be reached" : $"{host.Name} runs {record?.Version ?? "nothing"}");
            }
            catch (HostUnreachableException)
            {
                said.Add($"{host.Name} cannot be reached");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Detail for a refusal already made: a node that cannot be asked must not replace it with its own error.
                said.Add($"{host.Name}: unknown ({e.Message.Split('\n')[0].TrimEnd('.')})");
            }
        }

        return string.Join(", ", said);
    }

    // A refusal offers releases the nodes ran: those the contract guard would refuse in turn are named, so that the
    // operator does not pick one only to be refused again.
    private async Task<string> RefusedNoteAsync(DeployRun deploy, IReadOnlyList<string> offered)
    {
        var refused = await new ContractGuard(run, deploy, run.Cancellation).RefusedAmongAsync(offered);
        return refused.Count == 0 ? string.Empty
            : $" Among the releases named, the database was contracted past {string.Join("; ", refused.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} ({string.Join(", ", r.Value)} applied)"))}: going back to {(refused.Count == 1 ? "it" : "them")} is refused too, unless --force.";
    }
}
