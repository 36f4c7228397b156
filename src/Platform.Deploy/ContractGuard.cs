using Platform.Core;
using Platform.Migrate;
using Platform.Release;
using Platform.Secrets;

namespace Platform.Deploy;

/// <summary>
/// Refuses to put a release on the nodes when the database was contracted past it: a contract
/// migration was applied that the release does not ship (it dropped or changed what that release
/// still uses, so it would fail on every request while looking healthy). Contract migrations are told
/// by the manifests of the releases kept in the release store.
/// Stage, RollNode and Rollback ask before any node is touched; <c>--force</c> overrides. The database is
/// asked as soon as the run holds the deploy lock, while the nodes are asked what they run: no wait added, and no
/// contract (which runs under the lock too) can come between the answer and the roll.
/// </summary>
public sealed class ContractGuard
{
    private readonly RunContext _run;
    private readonly DeployRun _deploy;
    private readonly Task<IReadOnlyList<string>>? _applied;

    /// <param name="locking">The run taking the deploy lock: the database is asked once it holds it (null: at once).</param>
    public ContractGuard(RunContext run, DeployRun deploy, CancellationToken cancellation, Task? locking = null)
    {
        _run = run;
        _deploy = deploy;
        if (!run.Arguments.GetFlag("force"))
        {
            _applied = AppliedUnderLockAsync(run, deploy, locking, cancellation);
            _ = _applied.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed even when not needed
        }
    }

    private static async Task<IReadOnlyList<string>> AppliedUnderLockAsync(RunContext run, DeployRun deploy, Task? locking, CancellationToken cancellation)
    {
        await (locking ?? Task.CompletedTask);
        return await AppliedAsync(run, deploy.Inventory, cancellation);
    }

    public async Task CheckAsync(PackagedRelease target, string? running)
    {
        if (_applied is null || running == target.Version)
        {
            return;
        }

        if (running is not null && !_deploy.Releases.Exists(running))
        {
            _run.Reporter.Warn($"The release the nodes run, {running}, is not in {_deploy.Releases.Directory}: contract migrations only it ships cannot be told from expand ones, so this check may miss them. Package it there to have them checked.");
        }

        // Any contract migration applied that the target does not ship, whichever release applied it: after a
        // forced Rollback, the release running no longer ships the contract that dropped what older ones use.
        var blocking = Blocking(await _applied, _deploy.Releases.KnownContractMigrations(), target.Manifest);
        if (blocking.Count > 0)
        {
            throw new PlatformException(
                $"Refusing to put {target.Version} on the nodes{(running is null ? string.Empty : $" (they run {running})")}: the database was contracted past it ({string.Join(", ", blocking)} applied, which {target.Version} does not ship): a contract drops or changes what releases cut before it may still use, so {target.Version} may fail on every request while looking healthy. Roll forward instead, or pass --force if you know {target.Version} does not use what the contract removed. Nothing was changed.");
        }
    }

    /// <summary>
    /// Of <paramref name="versions"/>, those <see cref="CheckAsync"/> would refuse, each with the contracts that block it: for
    /// a message offering releases to go back to. Releases missing from the store are not judged here; none when the guard
    /// is off (<c>--force</c>) or the database cannot be asked (the check itself still runs, and says why, when one is chosen).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RefusedAmongAsync(IEnumerable<string> versions)
    {
        var refused = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        try
        {
            var applied = _applied is null ? [] : await _applied;
            var contracts = _deploy.Releases.KnownContractMigrations();
            foreach (var version in versions.Distinct().Where(_deploy.Releases.Exists))
            {
                if (Blocking(applied, contracts, _deploy.Releases.Find(version).Manifest) is { Count: > 0 } blocking)
                {
                    refused[version] = blocking;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only a note on a refusal already made: a database or manifest that cannot be read leaves it out, not the refusal.
            refused.Clear();
        }

        return refused;
    }

    /// <summary>The contract migrations applied (<paramref name="applied"/> among <paramref name="contracts"/>) that <paramref name="target"/> does not ship.</summary>
    public static IReadOnlyList<string> Blocking(IEnumerable<string> applied, IReadOnlySet<string> contracts, ReleaseManifest target)
    {
        var shipped = target.Migrations.Select(Path.GetFileName).ToHashSet();
        return applied.Where(n => contracts.Contains(n) && !shipped.Contains(n)).ToList();
    }

    /// <summary>The file names of the migrations applied to the environment's database (none before it was set up).</summary>
    public static async Task<IReadOnlyList<string>> AppliedAsync(RunContext run, Inventory inventory, CancellationToken cancellation)
    {
        var database = await CatalogDatabase.OpenAsync(run, inventory, SecretStoreFactory.Create(run), createMissing: false);
        if (!database.IsBootstrapped)
        {
            return [];
        }

        var applied = await new DbMigrator(database.OwnerConnectionString("platform-contract-guard"), run.Reporter).AppliedAsync(cancellation);
        return applied.Values.Select(a => a.Name).ToList();
    }
}
