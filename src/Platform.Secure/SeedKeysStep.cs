using Platform.Core;
using Platform.Secrets;

namespace Platform.Secure;

/// <summary>
/// The SeedKeys target: makes every host's root authorized_keys exactly the trusted circle (and,
/// in certificate mode, its TrustedUserCAKeys exactly the environment's CA). Idempotent: a host
/// already right is <c>ok</c>; otherwise it is <c>changed</c>, naming the fingerprints added and
/// removed (not in the circle), never key bodies. Files are written atomically (temp + rename, 0600). After a
/// change a fresh login must still work, else the previous files are restored. A circle without
/// the key this run uses is refused: nobody is ever locked out. Check mode changes nothing.
/// </summary>
public sealed class SeedKeysStep(RunContext run)
{
    private const UnixFileMode CaFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public async Task<Recap> RunAsync()
    {
        var inventory = Inventory.Load(run.InventoryFile);
        var store = SecretStoreFactory.Create(run);
        var registry = new OperatorRegistry(store);
        var identity = DeployIdentity.Load(run.Layout.DeployKeyFile);
        var mode = SshCertificates.For(run);
        var signer = mode.Enabled ? SshCertificates.Signer(run, store) : null;
        var credentials = await DeployCredentials.ResolveAsync(run, identity, mode, () => signer!, inventory.Hosts[0].SshUser);
        var connector = new SshConnector(credentials);
        if (!run.CheckMode)
        {
            await RegisterDeployKeyAsync(registry, identity, inventory, connector);
        }

        var circle = (await registry.ActiveAsync(run.Cancellation)).ToList();
        var caContent = signer is null ? string.Empty : (await signer.PublicKeyAsync(run.Cancellation)).KeyText + " platform-user-ca\n";

        // The deploy key stays in the circle even in certificate mode: turning certificates off (or
        // losing the CA) must never lock Platform out.
        if (circle.All(o => o.Key.Fingerprint != identity.PublicKey.Fingerprint))
        {
            throw new PlatformException(
                $"Refusing to write a circle without the key this run logs in with ({identity.PublicKey.Fingerprint}): it would lock Platform out of every host. Nothing was changed.");
        }

        await using var pool = new SshSessionPool(connector);
        var recap = new Recap(inventory.Hosts.Select(h => h.Name));
        run.Reporter.Info($"Seeding the circle of {circle.Count} key(s) ({string.Join(", ", circle.Select(o => o.Name))}) on {inventory.Hosts.Count} host(s){(mode.Enabled ? ", trusting the SSH user CA" : string.Empty)}");
        await Task.WhenAll(inventory.Hosts.Select(host => SeedHostAsync(host, pool, connector, circle, caContent, recap)));

        recap.Print(run.Reporter, Recap.TitleFor("SeedKeys", run.CheckMode));
        // Stopped (Ctrl+C): the hosts changed before the stop are on record all the same.
        await AuditAsync(inventory, pool, circle, recap);
        run.Cancellation.ThrowIfCancellationRequested();
        if (recap.HasFailures)
        {
            var failed = recap.Hosts.Where(h => recap.Count(h, Outcome.Failed) > 0);
            throw new PlatformException($"SeedKeys failed on: {string.Join(", ", failed)} (see above). Hosts not listed are done.");
        }

        return recap;
    }

    // Who may log in changed on some hosts: recorded like a deploy, locally and on the lb host (the
    // circle by operator name, the hosts that changed). A run that changed nothing writes no line.
    private async Task AuditAsync(Inventory inventory, SshSessionPool pool, IReadOnlyList<Operator> circle, Recap recap)
    {
        var changed = recap.Hosts.Where(h => recap.Count(h, Outcome.Changed) > 0).ToList();
        if (run.CheckMode || (changed.Count == 0 && !recap.HasFailures))
        {
            return;
        }

        var line = AuditLog.Line(
            DateTimeOffset.UtcNow,
            run.Operator,
            "SeedKeys",
            "-",
            recap.HasFailures ? "failed" : run.Cancellation.IsCancellationRequested ? "interrupted" : "succeeded",
            run.CiBuild,
            subject: string.Join(",", circle.Select(o => o.Name)),
            changed: changed.Count == 0 ? "-" : string.Join(",", changed));
        // Not on an lb host SeedKeys itself failed on: its line stays local.
        await AuditLog.RecordAsync(
            run,
            inventory.LoadBalancer is { } l && recap.Count(l.Host, Outcome.Failed) == 0 ? async token => await pool.GetAsync(inventory.Host(l.Host), token) : null,
            line);
    }

    private async Task SeedHostAsync(InventoryHost host, SshSessionPool pool, SshConnector connector, IReadOnlyList<Operator> circle, string caContent, Recap recap)
    {
        try
        {
            var session = await pool.GetAsync(host, run.Cancellation);
            var currentCa = await session.ReadFileAsync(host.TrustedUserCaKeysFile, run.Cancellation);
            var currentKeys = await session.ReadFileAsync(host.AuthorizedKeysFile, run.Cancellation);
            var plan = AuthorizedKeysPlan.For(currentKeys, circle);
            var caChanges = (currentCa ?? string.Empty) != caContent;
            var second = host.SecondAuthorizedKeysFile is { } path && await session.ReadFileAsync(path, run.Cancellation) is not null ? path : null;
            if (!plan.Changes && !caChanges && second is null)
            {
                run.Reporter.Info($"{host.Name}: ok");
                recap.Record(host.Name, Outcome.Ok);
                return;
            }

            var description = string.Join(", ", new[]
            {
                plan.Changes ? plan.Describe() : null,
                caChanges ? (caContent.Length > 0 ? "+trusted user CA" : "-trusted user CA") : null,
                second is null ? null : $"-{second} (sshd reads it too: keys there get in outside the circle)",
            }.Where(part => part is not null));
            if (run.CheckMode)
            {
                run.Reporter.Info($"{host.Name}: would change ({description})");
                recap.Record(host.Name, Outcome.Changed);
                return;
            }

            // A host whose change has begun finishes it (its files written, a login proven, or the old files back) even
            // when the run is stopped meanwhile: half a change, unproven and unrecorded, is what a stop must not leave.
            // One not begun yet is left as it is.
            if (run.Cancellation.IsCancellationRequested)
            {
                run.Reporter.Info($"{host.Name}: not changed (the run was stopped)");
                recap.Record(host.Name, Outcome.Skipped);
                return;
            }

            using var finish = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            if (caChanges)
            {
                await session.WriteFileAtomicAsync(host.TrustedUserCaKeysFile, caContent, CaFileMode, finish.Token);
            }

            if (plan.Changes)
            {
                await session.WriteFileAtomicAsync(host.AuthorizedKeysFile, plan.Desired, AtomicFile.OwnerOnly, finish.Token);
            }

            // The second file is moved aside before the login is proven, so that the proof goes through the circle's own
            // file alone; a failed proof puts it back with the rest.
            var aside = second is null ? null : $"{second}.removed-by-platform";
            if (second is not null)
            {
                await session.RunCheckedAsync($"mv -f -- {ShellQuote.Quote(second)} {ShellQuote.Quote(aside!)}", $"moving {second} aside", finish.Token);
            }

            try
            {
                await ProveLoginOrRestoreAsync(host, session, connector, currentKeys, currentCa, plan.Changes, caChanges, finish.Token);
            }
            catch (PlatformException) when (second is not null)
            {
                await session.RunCheckedAsync($"mv -f -- {ShellQuote.Quote(aside!)} {ShellQuote.Quote(second)}", $"putting {second} back", finish.Token);
                throw;
            }

            if (aside is not null)
            {
                await session.DeleteFileAsync(aside, finish.Token);
            }

            run.Reporter.Info($"{host.Name}: changed ({description})");
            recap.Record(host.Name, Outcome.Changed);
        }
        catch (PlatformException ex)
        {
            run.Reporter.Error($"{host.Name}: failed: {ex.Message}");
            recap.Record(host.Name, Outcome.Failed);
        }
        catch (OperationCanceledException) when (run.Cancellation.IsCancellationRequested)
        {
            // Stopped while the host was asked what it has: nothing written there.
            run.Reporter.Info($"{host.Name}: not changed (the run was stopped)");
            recap.Record(host.Name, Outcome.Skipped);
        }
    }

    // A new connection must still get in with this run's credentials; if not, put the old files back.
    private async Task ProveLoginOrRestoreAsync(InventoryHost host, HostSession session, SshConnector connector, string? oldKeys, string? oldCa, bool keysWritten, bool caWritten, CancellationToken token)
    {
        try
        {
            await using var probe = await HostSession.OpenAsync(host, connector, token);
            await probe.RunCheckedAsync("true", "login check", token);
        }
        catch (PlatformException ex)
        {
            if (keysWritten)
            {
                await session.WriteFileAtomicAsync(host.AuthorizedKeysFile, oldKeys ?? string.Empty, AtomicFile.OwnerOnly, token);
            }

            if (caWritten)
            {
                await session.WriteFileAtomicAsync(host.TrustedUserCaKeysFile, oldCa ?? string.Empty, CaFileMode, token);
            }

            throw new PlatformException($"after the change a new login failed ({ex.Message}); the previous files were restored.", ex);
        }
    }

    // The key file's key becomes operator 'deploy' (the last step of replacing the deploy key), but only
    // once the hosts take it: a key file swapped for a key no host knows would otherwise be registered,
    // and every login after it refused.
    private async Task RegisterDeployKeyAsync(OperatorRegistry registry, DeployIdentity identity, Inventory inventory, SshConnector connector)
    {
        var registered = (await registry.ListAsync(run.Cancellation)).FirstOrDefault(o => o.Name == DeployIdentity.OperatorName);
        if (registered is not null && registered.Key.Fingerprint != identity.PublicKey.Fingerprint)
        {
            var host = inventory.Hosts[0];
            try
            {
                await using var session = await HostSession.OpenAsync(host, connector, run.Cancellation);
            }
            catch (PlatformException ex) when (ex is not HostKeyMismatchException)
            {
                throw new PlatformException(
                    $"The deploy key file {run.Layout.DeployKeyFile} holds {identity.PublicKey.Fingerprint}, not the registered deploy key {registered.Key.Fingerprint}, and {host.Name} does not take it ({ex.Message.TrimEnd('.')}). Put the previous key file back, or replace the key as the README says (Securing access: Replacing the deploy key), which lets the new key in first. Nothing was changed.");
            }
        }

        if (await registry.EnsureDeployOperatorAsync(identity, run.Cancellation))
        {
            run.Reporter.Info($"Registered the deploy identity as operator '{DeployIdentity.OperatorName}' ({identity.PublicKey.Fingerprint})");
        }
    }
}