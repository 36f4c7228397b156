using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// The saved plan this run's Plan wrote, by content: Apply (Deploy's, right after its Plan) applies
/// that plan, never one another Plan of the environment wrote over it meanwhile — the plan file's
/// path is the environment's, shared by every run in the checkout. A plan older than the run (one
/// under review) is not this class's business: Terraform refuses it when it has gone stale. Apply
/// checks the copy it then applies (<see cref="PlanSnapshot"/>), so nothing written later counts.
/// </summary>
public static class PlanOfThisRun
{
    private static readonly ConditionalWeakTable<RunContext, Dictionary<string, string>> Written = new();

    /// <summary>Notes what <paramref name="planFile"/> holds now, as this run's plan.</summary>
    public static void Remember(RunContext run, string planFile)
    {
        var hashes = Written.GetOrCreateValue(run);
        lock (hashes)
        {
            hashes[Path.GetFullPath(planFile)] = Hash(planFile);
        }
    }

    /// <summary>
    /// Refuses a plan file written since the run began that is not the plan this run wrote: another
    /// run's Plan wrote it (or over it) meanwhile. <paramref name="content"/> is what is checked (the
    /// copy Apply will apply, <see cref="PlanSnapshot"/>), named as <paramref name="planFile"/>.
    /// </summary>
    internal static void Check(RunContext run, string planFile, string content)
    {
        string? remembered = null;
        if (Written.TryGetValue(run, out var hashes))
        {
            lock (hashes)
            {
                hashes.TryGetValue(Path.GetFullPath(planFile), out remembered);
            }
        }

        if (remembered != Hash(content))
        {
            var what = remembered is null ? "was written while this run went on, not by it" : "was written over after this run's Plan wrote it";
            throw new PlatformException($"{planFile} {what} (another Plan of '{run.Environment}' ran meanwhile?): it is not the plan this run made, so nothing was applied. Run again, or review that plan ({Path.ChangeExtension(planFile, ".txt")}) and apply it with ./build.sh --target=Apply --environment={run.Environment}.");
        }
    }

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
