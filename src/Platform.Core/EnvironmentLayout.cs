using System.Text.RegularExpressions;

namespace Platform.Core;

/// <summary>
/// Where an environment's files live. The infrastructure code is in <c>infra/&lt;env&gt;</c>; runtime
/// state (keys, secrets, Terraform state, local hosts) in <c>.platform/&lt;env&gt;</c>; what a run
/// produces for people and CI (plans, inventory, reports) in <c>artifacts/&lt;env&gt;</c>.
/// </summary>
public sealed partial class EnvironmentLayout
{
    public EnvironmentLayout(string repoRoot, string environment, string? stateDir = null, string? artifactsDir = null, string? releasesDir = null)
    {
        if (!EnvironmentName().IsMatch(environment))
        {
            throw new PlatformException(
                $"--environment={environment} is not a valid environment name: use lower-case letters, digits, '-' and '_' (the name of a folder under infra/).");
        }

        RepoRoot = Path.GetFullPath(repoRoot);
        Environment = environment;
        InfraDir = Path.Combine(RepoRoot, "infra", environment);
        StateDir = Path.GetFullPath(stateDir ?? Path.Combine(RepoRoot, ".platform", environment));
        ArtifactsDir = Path.GetFullPath(artifactsDir ?? Path.Combine(RepoRoot, "artifacts", environment));
        ReleasesDir = Path.GetFullPath(releasesDir ?? Path.Combine(RepoRoot, "artifacts", "releases"));
    }

    public string RepoRoot { get; }

    public string Environment { get; }

    public string InfraDir { get; }

    public string StateDir { get; }

    public string ArtifactsDir { get; }

    public string InventoryFile => Path.Combine(ArtifactsDir, "inventory.json");

    public string PlanFile => Path.Combine(ArtifactsDir, "plan.tfplan");

    /// <summary>Where check mode plans (<c>artifacts/&lt;env&gt;/check/</c>): a plan saved for review is never overwritten by a dry run.</summary>
    public string CheckPlanFile => Path.Combine(ArtifactsDir, "check", "plan.tfplan");

    /// <summary>
    /// The inventory as a check-mode Apply leaves it: without the hosts its plan destroys, so that the
    /// dry run of the steps after it does not ask hosts the real run would no longer have.
    /// </summary>
    public string CheckInventoryFile => Path.Combine(ArtifactsDir, "check", "inventory.json");

    /// <summary>The plan Plan writes and Apply applies by default, in this mode.</summary>
    public string PlanFileFor(bool checkMode) => checkMode ? CheckPlanFile : PlanFile;

    /// <summary>
    /// The variables file Platform hands Terraform: beside the state, or in check mode beside the check plan,
    /// so that a dry run leaves <c>.platform/&lt;env&gt;/</c> as it was.
    /// </summary>
    public string VariablesFileFor(bool checkMode) => Path.Combine(checkMode ? Path.GetDirectoryName(CheckPlanFile)! : StateDir, "platform.tfvars.json");

    public string KeysDir => Path.Combine(StateDir, "keys");

    public string DeployKeyFile => Path.Combine(KeysDir, "id_ed25519");

    public string SecretsDir => Path.Combine(StateDir, "secrets");

    /// <summary>Packaged releases, shared by every environment (<c>artifacts/releases</c>; <c>--releases-dir</c>).</summary>
    public string ReleasesDir { get; }

    public string ReportsDir => Path.Combine(ArtifactsDir, "reports");

    public string AuditLogFile => Path.Combine(ArtifactsDir, "audit.log");

    /// <summary>The name of an environment's settings file.</summary>
    public const string SettingsFileName = "platform.json";

    /// <summary>The environment's settings file (<c>infra/&lt;env&gt;/platform.json</c>).</summary>
    public string SettingsFile => Path.Combine(InfraDir, SettingsFileName);

    /// <summary>Fails with a list of the known environments when <c>infra/&lt;env&gt;</c> does not exist.</summary>
    public void RequireInfraDir()
    {
        if (Directory.Exists(InfraDir))
        {
            return;
        }

        var infraRoot = Path.Combine(RepoRoot, "infra");
        var known = Directory.Exists(infraRoot)
            ? string.Join(", ", Directory.GetDirectories(infraRoot).Select(Path.GetFileName).Order(StringComparer.Ordinal))
            : "none";
        throw new PlatformException(
            $"Unknown environment '{Environment}': the folder {InfraDir} does not exist. Known environments: {known}. Pass --environment=NAME.");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,40}$")]
    private static partial Regex EnvironmentName();
}
