using Platform.Core;
using Platform.Migrate;
using Platform.Provision;
using Platform.Release;

namespace Platform.Deploy;

/// <summary>
/// Before any task (build.cake's Setup): the values the tasks of this run will read are checked now, so that
/// a bad one fails the run with nothing changed, not at Stage after Apply and the expand migrations.
/// </summary>
public static class ArgumentPreflight
{
    /// <param name="tasks">Every task this run executes, dependencies included.</param>
    public static void Check(RunContext run, IReadOnlyCollection<string> tasks)
    {
        if (run.Arguments.Get("version") is { } version)
        {
            ReleaseVersion.Validate(version);
        }

        if (run.Arguments.Has("environment"))
        {
            run.Layout.RequireInfraDir();
        }

        if (run.Arguments.All("var") is { Count: > 0 } variables)
        {
            var settings = EnvironmentSettings.Load(run.Layout);
            TerraformVariables.ParseOverrides(variables, settings.TerraformVariables, $"{settings.Source}: terraformVariables", SensitiveVariables.Of(run.Layout.InfraDir, settings));
        }

        foreach (var flag in KnownArguments.Flags)
        {
            run.Arguments.GetFlag(flag);
        }

        // Apply reads --drain-timeout too, for app nodes its plan removes.
        if (tasks.Any(TargetNames.OnAppNodes.Contains) || tasks.Contains("Apply"))
        {
            RollOptions.From(run.Arguments, "-");
        }

        if (tasks.Any(TargetNames.OnAppNodes.Contains))
        {
            RollOptions.CheckNode(run);
        }

        if (tasks.Any(TargetNames.Migrating.Contains))
        {
            MigrateDbStep.LockTimeout(run.Arguments);
        }

        if (tasks.Contains("Verify"))
        {
            VerifyStep.MaxFiveXxRate(run.Arguments);
        }
    }
}
