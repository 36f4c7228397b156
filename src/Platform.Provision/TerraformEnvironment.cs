using System.Text.Json.Nodes;
using Platform.Core;
using Platform.Secrets;
using Platform.Secure;

namespace Platform.Provision;

/// <summary>
/// One environment's Terraform, ready to run: settings read, preconditions checked, the working
/// folder initialised, and the variable arguments for plan and destroy prepared.
/// </summary>
public sealed class TerraformEnvironment
{
    private TerraformEnvironment(RunContext run, EnvironmentSettings settings, TerraformRunner runner, IReadOnlyList<string> variableArguments, IReadOnlyList<string> overrides)
    {
        Run = run;
        Settings = settings;
        Runner = runner;
        VariableArguments = variableArguments;
        Overrides = overrides;
    }

    public RunContext Run { get; }

    public EnvironmentSettings Settings { get; }

    public TerraformRunner Runner { get; }

    public IReadOnlyList<string> VariableArguments { get; }

    /// <summary>The <c>--var</c> values in effect (<c>name=value</c>): those remembered from the last Apply, then the run's own.</summary>
    public IReadOnlyList<string> Overrides { get; }

    /// <summary>
    /// Prepares the environment. <paramref name="createIdentity"/> creates the deploy key when it is
    /// missing (Plan/Apply); Destroy passes false and then offers no initial keys. <paramref name="saysVariables"/>:
    /// whether the values kept from the last Apply are announced (not when a saved plan is applied: it holds its own).
    /// </summary>
    public static async Task<TerraformEnvironment> PrepareAsync(RunContext run, bool createIdentity = true, bool saysVariables = true)
    {
        var settings = EnvironmentSettings.Load(run.Layout);
        await new Preconditions(run.Commands).CheckAsync(settings.Requires, run.Cancellation);
        // Before anything is created (the deploy identity): a secret the environment needs and lacks refuses the run first.
        var terraformEnvironment = await EnvironmentVariablesAsync(run, settings);

        var circle = await InitialCircleAsync(run, createIdentity);
        var placeholders = new Dictionary<string, JsonNode>
        {
            ["stateDir"] = JsonValue.Create(run.Layout.StateDir),
            ["repoRoot"] = JsonValue.Create(run.Layout.RepoRoot),
            ["osUser"] = JsonValue.Create(Environment.UserName),
            ["environment"] = JsonValue.Create(run.Environment),
            ["deployKeyFile"] = JsonValue.Create(run.Layout.DeployKeyFile),
            ["circlePublicKeys"] = new JsonArray(circle.Select(k => (JsonNode)JsonValue.Create(k)!).ToArray()),
        };
        var sensitive = SensitiveVariables.Of(run.Layout.InfraDir, settings);
        var declared = SensitiveVariables.In(run.Layout.InfraDir);
        foreach (var undeclared in SensitiveVariables.StoreFed(settings).Where(v => !declared.ContainsKey(v)))
        {
            // Platform masks it in what it prints and in plan.txt, but Terraform's own files (plan.json, the state) and any
            // other tool reading the plan show it.
            run.Reporter.Warn($"{settings.Source} takes {undeclared} from the secrets store, but {run.Layout.InfraDir} does not declare it sensitive: Terraform shows its value in plans. Add `sensitive = true` to variable \"{undeclared}\".");
        }

        var overrides = RememberedVariables.Merge(run.Layout, run.Arguments.All("var"), saysVariables ? run.Reporter : null, TerraformVariables.PlatformFilled(settings.TerraformVariables), sensitive);
        var variables = TerraformVariables.Resolve(settings.TerraformVariables, $"{settings.Source}: terraformVariables", placeholders, overrides, sensitive);
        var backendConfig = TerraformVariables.Resolve(settings.TerraformBackendConfig, $"{settings.Source}: terraformBackendConfig", placeholders, []).AsPairs();

        var runner = new TerraformRunner(run, terraformEnvironment);
        run.Reporter.Verbose($"terraform init in {run.Layout.InfraDir}");
        await runner.InitAsync(backendConfig);
        var arguments = variables.ToArguments(run.Layout.VariablesFileFor(run.CheckMode));
        return new TerraformEnvironment(run, settings, runner, arguments, overrides);
    }

    /// <summary>
    /// Environment variables for Terraform from platform.json's <c>terraformEnvironment</c>: a value
    /// <c>secret:KEY</c> is read from the secrets store (falling back to the variable already set in
    /// the process environment); secrets never go on the command line or into the plan.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>> EnvironmentVariablesAsync(RunContext run, EnvironmentSettings settings)
    {
        var result = new Dictionary<string, string>();
        if (settings.Section("terraformEnvironment") is not { } section)
        {
            return result;
        }

        ISecretStore? store = null;
        foreach (var (name, node) in section)
        {
            var value = node?.GetValue<string>() ?? string.Empty;
            if (EnvironmentSettings.SecretKeyIn(value) is { } key)
            {
                store ??= SecretStoreFactory.Create(run);
                value = await store.GetAsync(key, run.Cancellation)
                    ?? Environment.GetEnvironmentVariable(name)
                    ?? throw new PlatformException($"{settings.Source}: terraformEnvironment.{name} needs the secret '{key}': store it in the {store.Backend} secrets store (printf '%s' \"$VALUE\" | ./build.sh --target=StoreSecret --environment={run.Environment} --secret={key}), or export {name}.");
            }

            run.Redactor.Register(value);
            result[name] = value;
        }

        return result;
    }

    /// <summary>
    /// The keys a new host starts with (as a cloud provider takes them): the trusted circle, with
    /// the deploy identity registered in it so Platform can always log in to a new host.
    /// </summary>
    private static async Task<IReadOnlyList<string>> InitialCircleAsync(RunContext run, bool createIdentity)
    {
        if ((!createIdentity || run.CheckMode) && !File.Exists(run.Layout.DeployKeyFile))
        {
            // Nothing may be created now; a plan without initial keys is still a faithful preview.
            return [];
        }

        // The secrets store first: when it cannot be reached (Vault not configured), nothing is created.
        var registry = new OperatorRegistry(SecretStoreFactory.Create(run));
        var known = await registry.ListAsync(run.Cancellation);
        // A circle that already has a deploy key while its private half is not here: the key is lost (or this is
        // a workspace without it), not new. A fresh key would replace it in the circle and be refused by every host.
        if (!File.Exists(run.Layout.DeployKeyFile) && known.Any(o => o.Name == DeployIdentity.OperatorName))
        {
            throw DeployIdentity.Lost(run.Layout.DeployKeyFile, "the circle in the secrets store already has a deploy key");
        }

        var identity = await DeployIdentity.EnsureAsync(run);
        if (!run.CheckMode)
        {
            await registry.EnsureDeployOperatorAsync(identity, run.Cancellation);
        }

        var circle = await registry.CreationKeysAsync(run.Cancellation);
        var deployLine = $"{identity.PublicKey.KeyText} {DeployIdentity.OperatorName}";
        return circle.Contains(deployLine) ? circle : [.. circle, deployLine];
    }
}
