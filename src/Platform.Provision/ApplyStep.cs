using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// Terraform's part of the Apply target (build.cake calls <c>LockedApplyStep</c> in Platform.Deploy, which
/// takes the deploy lock around it and audits it): applies exactly a reviewed saved plan (<c>--plan=FILE</c>, default the one
/// Plan just wrote), then writes the inventory to <c>artifacts/&lt;env&gt;/inventory.json</c>.
/// A plan with no changes made in this run applies nothing. Terraform refuses a stale plan (with or
/// without changes); its message is shown. <paramref name="beforeApplying"/> runs once the plan passed
/// its checks and stopped hosts were started again, just before Terraform would change anything (told
/// whether it will: Apply takes the deploy lock there).
/// </summary>
public sealed class ApplyStep(RunContext run, Func<PlanSummary, bool, Task>? beforeApplying = null)
{
    public async Task<Inventory?> RunAsync()
    {
        // In check mode, the plan Plan just wrote aside in this run; else (Apply on its own) the one under review.
        var checkPlan = run.CheckMode && File.Exists(run.Layout.CheckPlanFile) && File.GetLastWriteTimeUtc(run.Layout.CheckPlanFile) >= run.StartedUtc;
        var given = run.Arguments.Get("plan");
        var planFile = given is null ? (checkPlan ? run.Layout.CheckPlanFile : run.Layout.PlanFile) : run.UserPath(given);
        if (!File.Exists(planFile))
        {
            throw new PlatformException(given is null
                ? $"No saved plan at {planFile}. Run the Plan target first (./build.sh --target=Plan), or pass --plan=FILE."
                : $"--plan={given}: no such file ({planFile}). Pass a plan file that ./build.sh --target=Plan wrote (artifacts/<env>/plan.tfplan by default). Nothing was changed.");
        }

        // What is read and applied from here on: this copy, whatever another run writes to the plan file meanwhile.
        using var snapshot = PlanSnapshot.Take(run, planFile, madeHere: given is null);
        var environment = await TerraformEnvironment.PrepareAsync(run, saysVariables: false);
        var showJson = await environment.Runner.ShowJsonAsync(snapshot.Path);
        var summary = PlanSummary.Parse(showJson, planFile);
        SavedPlanVariables.Check(showJson, run.Arguments.All("var"), planFile);
        if (summary.Environment is { } planned && planned != run.Environment)
        {
            throw new PlatformException($"{planFile} was planned for the environment '{planned}', not '{run.Environment}': applying it here would use that environment's backend and resources. Pass --environment={planned}, or a plan of '{run.Environment}'. Nothing was changed.");
        }

        run.Reporter.Info($"Applying {planFile}: {summary.Headline}");
        // A plan given by name, or saved by an earlier run, was there to be read; one Plan made just now was not.
        var reviewed = given is not null || !snapshot.NewerThanRun;
        DestructionGuard.Check(run, planFile, summary, environment.Settings.Replaceable, reviewed);
        LostStateGuard.Check(run, showJson, summary, planFile);
        if (run.CheckMode)
        {
            run.Reporter.Info("Check mode: nothing applied.");
            await StoppedHostsStarter.StartAsync(run, environment.Settings);
            return File.Exists(run.Layout.InventoryFile) ? AsPlanned(Inventory.Load(run.Layout.InventoryFile), summary) : null;
        }

        // Terraform sees the resources it made, not whether their processes still run (a reboot stops the local
        // hosts): started first, so that the lb host can hold the deploy lock before anything changes.
        await StoppedHostsStarter.StartAsync(run, environment.Settings);
        await InventoryRestore.IfMissingAsync(run, environment.Runner);

        // A plan without changes made in this run (Deploy's Plan, then Apply) has nothing to apply. One made
        // earlier goes to Terraform all the same: only Terraform can tell that it has gone stale meanwhile.
        var applying = summary.HasChanges || !snapshot.NewerThanRun;
        if (beforeApplying is not null)
        {
            await beforeApplying(summary, applying);
        }

        // Stopped while taking the lock or draining the nodes the plan removes: Terraform (which a stop does not kill) is not started.
        run.Cancellation.ThrowIfCancellationRequested();

        if (applying)
        {
            try
            {
                await environment.Runner.ApplyAsync(snapshot.Path, shownAs: planFile);
            }
            catch (Exception ex) when (ex is OperationCanceledException || run.Cancellation.IsCancellationRequested)
            {
                // Interrupted part-way (Terraform got the signal too and stopped cleanly): the hosts may be partly on
                // these values, and the next plain run must go on towards them, not back to the ones before (moving
                // every host); the hosts it made must be listed for the next run's lock and Destroy.
                var changed = await ChangedBeforeFailingAsync(environment.Runner, showJson, summary);
                var (remembered, listed) = changed.Count > 0 ? await RecordPartialAsync(environment.Runner, snapshot.Path, planFile) : (string.Empty, string.Empty);
                throw new ApplyInterruptedException(
                    changed.Count == 0 ? "Interrupted while Terraform applied the plan, before it changed anything." : $"Interrupted while Terraform applied the plan: it changed {string.Join(", ", changed)}, {remembered}. {listed}",
                    changed,
                    ex);
            }
            catch (CommandFailedException ex)
            {
                // Failed part-way (a provisioner or provider error after other resources changed): the same holds.
                // Refused (stale, locked: PlatformExceptions, not caught here) or failed before any change: nothing is adopted.
                var changed = await ChangedBeforeFailingAsync(environment.Runner, showJson, summary);
                if (changed.Count == 0)
                {
                    throw;
                }

                var (remembered, listed) = await RecordPartialAsync(environment.Runner, snapshot.Path, planFile);
                throw new PartiallyAppliedException($"{ex.Message} Terraform changed {string.Join(", ", changed)} before it failed, {remembered}. {listed} Fix what its output names, then Plan and Apply again.", changed, ex);
            }
        }
        else
        {
            run.Reporter.Info("Nothing to apply.");
        }

        RememberedVariables.AdoptFromPlan(run.Layout, snapshot.Path, run.Reporter, shownAs: planFile);

        // What Terraform changed is recorded even when the run was interrupted meanwhile (Terraform is let
        // finish): the variables it applied first (above) and the inventory, local and quick; the secrets store last.
        return await RecordAsync(environment.Runner);
    }

    // The inventory and the secrets Terraform's outputs give, as the state has them now.
    private async Task<Inventory> RecordAsync(TerraformRunner terraform)
    {
        var outputs = await terraform.OutputsAsync();
        var inventory = InventoryBuilder.Build(outputs);
        InventoryBuilder.Write(inventory, run.Layout.InventoryFile);
        run.Reporter.Info($"Inventory written to {run.Layout.InventoryFile}");
        await SecretOutputs.StoreAsync(run, outputs);
        InventoryPrinter.Print(inventory, run.Reporter);
        return inventory;
    }

    // An apply Terraform did not finish, after it changed resources: its values remembered, the inventory rewritten
    // from the state; what each came to, said.
    private async Task<(string Remembered, string Listed)> RecordPartialAsync(TerraformRunner terraform, string snapshot, string planFile)
    {
        var remembered = AdoptQuietly(snapshot, planFile)
            ? "so this plan's --var values are remembered: the next Plan goes on towards them, not back to the values before"
            : "but this plan's --var values could not be remembered (see the warning above): pass them again on the next Plan";
        var listed = await RecordQuietlyAsync(terraform)
            ? "The inventory lists the hosts as Terraform left them."
            : "The inventory could not be rewritten (see the warning above); the next Apply writes it.";
        return (remembered, listed);
    }

    // After a failed apply that changed hosts: the steps after it (Destroy, the next run's lock) must find the
    // hosts Terraform made. Terraform's failure is the one to report; this one is only said.
    private async Task<bool> RecordQuietlyAsync(TerraformRunner terraform)
    {
        try
        {
            await RecordAsync(terraform);
            return true;
        }
        catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
        {
            run.Reporter.Warn($"The inventory could not be rewritten from what Terraform left: {ex.Message}");
            return false;
        }
    }

    // While an interruption or a failure is on its way out: a damaged values file must not hide it.
    /// <returns>False when the values could not be remembered (said as a warning).</returns>
    private bool AdoptQuietly(string snapshot, string planFile)
    {
        try
        {
            return RememberedVariables.AdoptFromPlan(run.Layout, snapshot, run.Reporter, shownAs: planFile);
        }
        catch (PlatformException ex)
        {
            run.Reporter.Warn($"The --var values of {planFile} could not be remembered: {ex.Message}");
            return false;
        }
    }

    // What the failed apply changed, from the state Terraform left; when even that cannot be read, what it planned
    // (it may have changed any of it: going on towards the plan's values is the safe side).
    private async Task<IReadOnlyList<string>> ChangedBeforeFailingAsync(TerraformRunner terraform, string planJson, PlanSummary summary)
    {
        var planned = summary.ChangedAddresses.ToList();
        try
        {
            return StateChanges.Since(planJson, await terraform.ShowStateJsonAsync(), planned);
        }
        catch (PlatformException ex)
        {
            run.Reporter.Warn($"What Terraform changed before it failed cannot be told ({ex.Message}): counted as all it planned.");
            return planned;
        }
    }

    // The dry run of the steps after Apply works on the hosts the plan keeps (RunContext.InventoryFile):
    // an app node the plan destroys is left out, and a host it adds cannot be asked before it exists.
    private Inventory AsPlanned(Inventory inventory, PlanSummary summary)
    {
        var gone = inventory.Hosts.Where(h => summary.DestroyedKeys.Contains(h.Name)).ToList();
        var leftOut = gone.Where(h => h.Roles.All(r => r == "app")).Select(h => h.Name).ToList();
        foreach (var host in gone)
        {
            if (leftOut.Contains(host.Name))
            {
                run.Reporter.Info($"Check mode: the plan destroys {host.Name}; the steps after Apply leave it out.");
            }
            else
            {
                run.Reporter.Warn($"Check mode: the plan destroys {host.Name} ({string.Join(", ", host.Roles)}); the steps after Apply still ask it, which the real run could not.");
            }
        }

        foreach (var added in summary.AddedKeys.Where(k => inventory.Hosts.All(h => h.Name != k)).Order(StringComparer.Ordinal))
        {
            run.Reporter.Info($"Check mode: the plan adds {added}; the steps after Apply cannot ask it before it exists.");
        }

        var planned = inventory.Without(leftOut);
        InventoryBuilder.Write(planned, run.Layout.CheckInventoryFile);
        return planned;
    }
}
