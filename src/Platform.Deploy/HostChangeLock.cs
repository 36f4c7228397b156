using System.Net.Sockets;
using Platform.Core;
using Platform.Release;
using Renci.SshNet.Common;

namespace Platform.Deploy;

/// <summary>
/// The deploy lock taken before Terraform changes an environment's hosts (Apply, Destroy): while a
/// run holds it, no roll can start and no other run can change the hosts under one in progress. An
/// environment without an inventory or an lb has nothing to lock and nothing anyone could be rolling.
/// </summary>
public static class HostChangeLock
{
    /// <summary>Takes the lock for <paramref name="target"/>, or goes on without it where there is none to take: check mode, no lb host yet, or one that cannot be reached and need not be (said as a warning).</summary>
    /// <param name="withoutUnreachableLb">Given the lb host's name, why the change may go ahead when it cannot be reached (null: it may not; the run is refused).</param>
    /// <exception cref="PlatformException">Another run holds the lock, or the lb host cannot be reached and nothing allows going on without it.</exception>
    public static async Task TakeAsync(RunContext run, string target, Func<string, string?> withoutUnreachableLb)
    {
        var verb = target == "Destroy" ? "Destroying" : "Applying";
        if (run.CheckMode || !File.Exists(run.InventoryFile))
        {
            return;
        }

        Inventory before;
        try
        {
            before = Inventory.Load(run.InventoryFile);
        }
        catch (PlatformException ex)
        {
            run.Reporter.Warn($"{verb} without the deploy lock: the inventory, which names the lb host that holds it, cannot be read ({ex.Message}).");
            return;
        }

        if (before.LoadBalancer is not { } lb)
        {
            return;
        }

        var force = target == "Destroy" && run.Arguments.GetFlag("force");
        DeployRun deploy;
        try
        {
            // The credentials (the deploy key, a certificate signed by the CA or Vault) before any host is asked:
            // their failure says nothing about whether the lb host is up.
            deploy = await DeployRun.ForAsync(run);
        }
        catch (PlatformException ex) when (force)
        {
            run.Reporter.Warn($"Destroying without the deploy lock (--force): Platform cannot log in anywhere to ask who holds it ({ex.Message}).");
            return;
        }

        try
        {
            await deploy.LbAsync();
        }
        catch (PlatformException ex) when (withoutUnreachableLb(lb.Host) is { } because && (Unreachable(ex) || target != "Destroy"))
        {
            // Destroy goes on only past a host that does not answer; an Apply whose plan makes the lb host anew goes on
            // past any failure to reach the old one (a rebuilt host with another host key among them).
            run.Reporter.Warn($"{verb} without the deploy lock: the lb host {lb.Host} cannot be reached ({ex.Message}), and {because}.");
            return;
        }
        catch (PlatformException ex) when (!Unreachable(ex) && force)
        {
            run.Reporter.Warn($"Destroying without the deploy lock (--force): the lb host {lb.Host} could not be asked who holds it ({ex.Message}).");
            return;
        }
        catch (PlatformException ex)
        {
            // Reached but not logged in to (a key the host refuses, a host key that does not match): the host is up
            // and may hold another run's lock; that is no reason to go on without asking it.
            throw new PlatformException(Unreachable(ex)
                ? $"The deploy lock cannot be taken: the lb host {lb.Host}, which holds it, cannot be reached ({ex.Message}). Another run may be rolling out; nothing was changed. Bring the lb host back and run again."
                : $"The deploy lock cannot be taken: Platform could not log in to the lb host {lb.Host}, which holds it ({ex.Message}), so it cannot tell whether another run is rolling out. Nothing was changed. Restore its access first{(target == "Destroy" ? ", or pass --force to destroy without the lock" : string.Empty)}.", ex);
        }

        // The version a Deploy rolls out names the holder; an Apply or Destroy on its own deploys none.
        await deploy.LockAsync(target, target == "Deploy" ? await ReleaseVersion.ResolveAsync(run) : run.Arguments.Get("version"));
    }

    /// <summary>Check mode takes no lock, but says when the real run would be refused because another run holds it.</summary>
    public static async Task PreviewAsync(RunContext run, string target)
    {
        if (!run.CheckMode || !File.Exists(run.InventoryFile))
        {
            return;
        }

        try
        {
            if (Inventory.Load(run.InventoryFile).LoadBalancer is not null)
            {
                await (await DeployRun.ForAsync(run)).LockAsync(target, null);
            }
        }
        catch (PlatformException ex)
        {
            run.Reporter.Warn($"Check mode: whether another run holds the deploy lock cannot be asked ({ex.Message}).");
        }
        finally
        {
            // The check-mode Apply writes the inventory its plan keeps: the steps after it must load that one, not this.
            await DeployRun.DropAsync(run);
        }
    }

    // The lb host did not answer at all (refused, timed out): not a login it turned down.
    internal static bool Unreachable(Exception ex) =>
        ex.InnerException is SocketException or SshOperationTimeoutException or TimeoutException || (ex.InnerException is { } inner && Unreachable(inner));
}
