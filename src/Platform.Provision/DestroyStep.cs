using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// Terraform's part of the Destroy target (build.cake calls <c>LockedDestroyStep</c> in Platform.Deploy, which
/// takes the deploy lock first and audits it): removes every resource of the environment (for local: stops every sshd,
/// HAProxy and PostgreSQL it started and deletes <c>.platform/&lt;env&gt;/hosts</c>). Any
/// environment other than the local ones (platform.json <c>"disposable": true</c>) needs
/// <c>--confirm=&lt;environment&gt;</c>. Keys, secrets
/// and the Terraform state file are kept: nothing a user has is lost. <paramref name="beforeDestroying"/>
/// runs just before Terraform does (Destroy takes the deploy lock there).
/// </summary>
public sealed class DestroyStep(RunContext run, Func<Task>? beforeDestroying = null)
{
    public async Task RunAsync()
    {
        // Only environments that live on this machine (platform.json "disposable": true) go without confirmation.
        var disposable = EnvironmentSettings.Load(run.Layout).Get("disposable") == "true";
        var confirm = run.Arguments.Get("confirm");
        if (confirm is not null && confirm != run.Environment)
        {
            // Given, it must name what is destroyed, even where it is not needed: a script meant for another environment stops here.
            throw new PlatformException($"--confirm={confirm} does not name the environment being destroyed, '{run.Environment}'. Pass --confirm={run.Environment} (or, for a local environment, nothing). Nothing was changed.");
        }

        if (!disposable && confirm != run.Environment)
        {
            throw new PlatformException(
                $"Destroying '{run.Environment}' removes its servers and data. Confirm with --confirm={run.Environment}. Nothing was changed.");
        }

        var environment = await TerraformEnvironment.PrepareAsync(run, createIdentity: false);
        if (!await environment.Runner.StateHasResourcesAsync())
        {
            // Never applied, or destroyed already (another --state-dir, a second Destroy): no lock taken, nothing audited.
            run.Reporter.Info($"Environment '{run.Environment}' has no resources in its Terraform state: nothing to destroy." +
                (File.Exists(run.Layout.InventoryFile) ? $" {run.Layout.InventoryFile} still lists hosts: if the state was lost rather than destroyed, they still run (restore the state to destroy them); if they are gone, remove it." : string.Empty));
            return;
        }

        if (run.CheckMode)
        {
            var planFile = Path.Combine(Path.GetDirectoryName(run.Layout.CheckPlanFile)!, "destroy.tfplan");
            Directory.CreateDirectory(Path.GetDirectoryName(planFile)!);
            await environment.Runner.PlanAsync(planFile, environment.VariableArguments, destroy: true);
            await PlanFiles.WriteAsync(environment.Runner, planFile, run.Reporter, run.Redactor);
            run.Reporter.Info("Check mode: nothing destroyed.");
            return;
        }

        await InventoryRestore.IfMissingAsync(run, environment.Runner);
        if (beforeDestroying is not null)
        {
            await beforeDestroying();
        }

        // Stopped while taking the lock: nothing destroyed yet, and Terraform (which a stop does not kill) is not started.
        run.Cancellation.ThrowIfCancellationRequested();

        run.Reporter.Info($"Destroying environment '{run.Environment}': its hosts, and the data of its database with them (keys, secrets and the Terraform state are kept)");
        await environment.Runner.DestroyAsync(environment.VariableArguments);

        var hosts = Path.Combine(run.Layout.StateDir, "hosts");
        if (Directory.Exists(hosts))
        {
            Directory.Delete(hosts, recursive: true);
        }

        if (File.Exists(run.Layout.InventoryFile))
        {
            File.Delete(run.Layout.InventoryFile);
        }

        // A new environment starts from the configuration's defaults again.
        RememberedVariables.Forget(run.Layout);

        run.Reporter.Info($"Environment '{run.Environment}' destroyed.");
    }
}
