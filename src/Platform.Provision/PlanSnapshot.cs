using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// A private copy of the saved plan (and the <c>--var</c> values beside it) that Apply reads and applies
/// from start to end: the environment's plan file is shared by every run in the checkout, and a Plan
/// another run makes while this one takes the lock or drains nodes must not change what is applied.
/// The copy is the plan this run's Plan wrote (<see cref="PlanOfThisRun"/>) when the file is newer than
/// the run; it is removed when Apply ends.
/// </summary>
public sealed class PlanSnapshot : IDisposable
{
    private readonly WorkFolder _dir;

    private PlanSnapshot(WorkFolder dir, string path, bool newerThanRun)
    {
        _dir = dir;
        Path = path;
        NewerThanRun = newerThanRun;
    }

    /// <summary>Whether the plan file was written after the run began (by its own Plan): not one under review.</summary>
    public bool NewerThanRun { get; }

    /// <summary>The copy of the plan file, with its values file beside it as <see cref="RememberedVariables.BesidePlan"/> names it.</summary>
    public string Path { get; }

    /// <param name="madeHere">Whether a plan newer than the run must be the one this run's Plan wrote (the environment's own plan file, not one given by name).</param>
    public static PlanSnapshot Take(RunContext run, string planFile, bool madeHere)
    {
        var dir = WorkFolder.Create(run.Layout, "apply");
        var snapshot = new PlanSnapshot(dir, System.IO.Path.Combine(dir.Path, System.IO.Path.GetFileName(planFile)), File.GetLastWriteTimeUtc(planFile) >= run.StartedUtc);
        try
        {
            File.Copy(planFile, snapshot.Path);
            if (File.Exists(RememberedVariables.BesidePlan(planFile)))
            {
                File.Copy(RememberedVariables.BesidePlan(planFile), RememberedVariables.BesidePlan(snapshot.Path));
            }

            if (madeHere && snapshot.NewerThanRun)
            {
                PlanOfThisRun.Check(run, planFile, snapshot.Path);
            }

            return snapshot;
        }
        catch
        {
            snapshot.Dispose();
            throw;
        }
    }

    public void Dispose() => _dir.Dispose();
}
