namespace Platform.Core;

/// <summary>
/// Cake's <c>--dryrun</c> runs no task bodies, so the run asks each step that would run, in order,
/// to show what it would change (check mode). Steps on the hosts have nothing to ask before the first
/// Apply, and cannot ask hosts that Apply would first start again (the local environment after a
/// reboot or a crash): the preview says so instead of failing there, as the real run would not.
/// </summary>
public static class CheckModePreview
{
    /// <summary>The steps that work on the environment's hosts (everything after Apply in a Deploy).</summary>
    public static readonly IReadOnlySet<string> OnHosts = new HashSet<string>(StringComparer.Ordinal)
    {
        "SeedKeys", "MigrateDb", "ExpandDb", "CheckCompatibility", "Stage", "RollNode", "Verify", "ContractDb", "Deploy", "Rollback", "Unlock",
    };

    /// <param name="tasks">The tasks Cake would run, in order.</param>
    /// <param name="steps">Each task's body (tasks without one, if any, are passed over).</param>
    public static async Task RunAsync(RunContext run, IEnumerable<string> tasks, IReadOnlyDictionary<string, Func<RunContext, Task>> steps)
    {
        run.Reporter.Info("Check mode: each step shows what it would change; nothing is changed.");
        foreach (var task in tasks)
        {
            if (!steps.TryGetValue(task, out var body))
            {
                continue;
            }

            run.Reporter.Info($"--- {task} (check) ---");
            var onHosts = OnHosts.Contains(task);
            if (onHosts && !File.Exists(run.Layout.InventoryFile))
            {
                run.Reporter.Info("The environment has no hosts yet: this step would run on those Apply creates.");
                continue;
            }

            try
            {
                await body(run);
            }
            catch (PlatformException ex) when (onHosts && run.HostsApplyWouldStart.Count > 0)
            {
                // The real run starts them before this step; a check cannot ask a host that is down.
                // Its first sentence only: the advice after it (start the environment, replace the host) is what Apply does.
                run.Reporter.Warn(
                    $"{task} could not be checked in full: Apply would first start again what stopped on {string.Join(", ", run.HostsApplyWouldStart)}, " +
                    $"and this check cannot ask them before then ({FirstSentence(ex.Message)}). The real run starts them first; check again after Apply to see this step's changes.");
                run.Reporter.Verbose(ex.Message);
            }
        }
    }

    private static string FirstSentence(string message) =>
        message.IndexOf(". ", StringComparison.Ordinal) is var end and > 0 ? message[..end] : message.TrimEnd('.');
}
