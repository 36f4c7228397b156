using System.Text.Json.Nodes;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// Runs the Terraform CLI for one environment through CliWrap: working folder <c>infra/&lt;env&gt;</c>,
/// Terraform's own data (<c>.terraform</c>) and CLI config under <c>.platform/&lt;env&gt;/</c>, never
/// interactive. Long commands stream their output; a failure raises an exception carrying the
/// last lines of stderr when they were not streamed.
/// </summary>
public sealed partial class TerraformRunner
{
    private readonly RunContext _run;
    private readonly Dictionary<string, string?> _environment;

    public TerraformRunner(RunContext run, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        _run = run;
        Directory.CreateDirectory(run.Layout.StateDir);
        var cliConfig = Path.Combine(run.Layout.StateDir, "terraformrc");
        if (!File.Exists(cliConfig))
        {
            // Terraform warns when TF_CLI_CONFIG_FILE names a missing file: give it an empty one.
            File.WriteAllText(cliConfig, "# Terraform CLI configuration for this environment (intentionally empty).\n");
        }

        _environment = new Dictionary<string, string?>(QuietEnvironment())
        {
            ["TF_DATA_DIR"] = Path.Combine(run.Layout.StateDir, "terraform"),
            ["TF_CLI_CONFIG_FILE"] = cliConfig,
            ["PATH"] = ToolLocator.ChildPath(),
        };
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            _environment[name] = value;
        }
    }

    /// <summary>Variables that keep Terraform non-interactive and quiet in automation.</summary>
    public static IReadOnlyDictionary<string, string?> QuietEnvironment() => new Dictionary<string, string?>
    {
        ["TF_IN_AUTOMATION"] = "1",
        ["TF_INPUT"] = "0",
        ["CHECKPOINT_DISABLE"] = "1",
    };

    public Task InitAsync(IEnumerable<string> backendConfig) =>
        RunAsync(["init", "-input=false", "-no-color", .. backendConfig.Select(c => $"-backend-config={c}")], stream: false);

    /// <summary>
    /// Writes a saved plan, readable by its owner only; returns true when it contains changes (exit code 2 of -detailed-exitcode).
    /// The plan is written beside the file and moved over it only when planning succeeded: a failed plan
    /// (Terraform may save an errored one) never replaces the plan under review.
    /// </summary>
    public async Task<bool> PlanAsync(string planFile, IEnumerable<string> variableArguments, bool destroy = false, IEnumerable<string>? extra = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(planFile)!);
        var written = planFile + ".new";
        // Created owner-only before Terraform writes it (Terraform keeps an existing file's mode): under the umask it
        // would be readable by every user of the machine until it is closed, with every variable's value in it.
        AtomicFile.WriteAllText(written, string.Empty, AtomicFile.OwnerOnly);
        try
        {
            var result = await RunAsync(
                ["plan", "-input=false", "-no-color", "-detailed-exitcode", $"-out={written}", .. destroy ? ["-destroy"] : Array.Empty<string>(), .. variableArguments, .. extra ?? []],
                stream: true,
                okExitCodes: [0, 2]);
            // A saved plan holds the state's secrets in clear (host keys, passwords): its owner's only,
            // whatever the umask Terraform created it under.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(written, AtomicFile.OwnerOnly);
            }

            File.Move(written, planFile, overwrite: true);
            return result.ExitCode == 2;
        }
        finally
        {
            File.Delete(written);
        }
    }

    public async Task<string> ShowJsonAsync(string planFile) => (await RunAsync(["show", "-json", "-no-color", planFile], stream: false)).StandardOutput;

    /// <summary>The state as it is now, as <c>terraform show -json</c> prints it (<c>values.root_module</c>).</summary>
    public async Task<string> ShowStateJsonAsync() => (await RunAsync(["show", "-json", "-no-color"], stream: false)).StandardOutput;

    /// <summary>Whether the state holds any resource (an environment never applied, or destroyed, holds none).</summary>
    public async Task<bool> StateHasResourcesAsync()
    {
        var json = await ShowStateJsonAsync();
        try
        {
            var module = JsonNode.Parse(json)?["values"]?["root_module"];
            return module?["resources"] is JsonArray { Count: > 0 } || module?["child_modules"] is JsonArray { Count: > 0 };
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new PlatformException($"`terraform show -json` in {_run.Layout.InfraDir} did not print JSON ({ex.Message}).", ex);
        }
    }

    public async Task<string> ShowTextAsync(string planFile) => (await RunAsync(["show", "-no-color", planFile], stream: false)).StandardOutput;

    /// <summary>Applies exactly the saved plan. Terraform itself refuses a stale one.</summary>
    /// <param name="shownAs">The plan file as the user knows it, when <paramref name="planFile"/> is a copy of it (messages name it).</param>
    public Task ApplyAsync(string planFile, string? shownAs = null) => RunAsync(["apply", "-input=false", "-no-color", "-auto-approve", planFile], stream: true, shownPlan: shownAs);

    public Task DestroyAsync(IEnumerable<string> variableArguments) =>
        RunAsync(["destroy", "-input=false", "-no-color", "-auto-approve", .. variableArguments], stream: true);

    /// <summary>All outputs as <c>{ name: value }</c> (values unwrapped from Terraform's <c>{value,type,sensitive}</c>).</summary>
    public async Task<JsonObject> OutputsAsync()
    {
        var json = (await RunAsync(["output", "-json", "-no-color"], stream: false)).StandardOutput;
        var outputs = new JsonObject();
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new PlatformException($"`terraform output -json` in {_run.Layout.InfraDir} did not print JSON ({ex.Message}). Run it there to see what it says; nothing was written from it.", ex);
        }

        if (parsed is JsonObject all)
        {
            foreach (var (name, node) in all)
            {
                outputs[name] = node?["value"]?.DeepClone();
            }
        }

        return outputs;
    }

    private Task<CommandResult> RunAsync(IReadOnlyList<string> arguments, bool stream, int[]? okExitCodes = null, string? shownPlan = null) =>
        RunCheckedAsync(arguments, stream, okExitCodes ?? [0], shownPlan);

    private async Task<CommandResult> RunCheckedAsync(IReadOnlyList<string> arguments, bool stream, int[] okExitCodes, string? shownPlan)
    {
        // Terraform is never killed on Ctrl+C: killed mid-apply, it could leave its state unwritten
        // and locked. It gets the terminal's SIGINT itself and stops cleanly; the run stops after it.
        var result = await _run.Commands.RunAsync(
            "terraform",
            arguments,
            new CommandOptions { WorkingDirectory = _run.Layout.InfraDir, Environment = _environment, Stream = stream, StreamedLine = WithoutLockFalseAdvice, AllowFailure = true },
            CancellationToken.None);
        // Interrupted meanwhile: a command that finished its work still counts (an apply that completed must be
        // recorded: inventory and remembered variables); one that the interruption cut short is the interruption.
        if (!okExitCodes.Contains(result.ExitCode))
        {
            _run.Cancellation.ThrowIfCancellationRequested();
            if (StateLockClash(result.StandardError + result.StandardOutput, _run.Environment, _run.Layout.InfraDir, _environment["TF_DATA_DIR"]!) is { } clash)
            {
                throw new PlatformException(clash);
            }

            if (arguments[0] == "apply" && (result.StandardError + result.StandardOutput).Contains("Saved plan is stale", StringComparison.Ordinal))
            {
                throw new PlatformException($"The plan {shownPlan ?? arguments[^1]} is stale: the environment's state changed after it was made (another Apply or Destroy ran). Terraform applied nothing. Make and review a new plan (./build.sh --target=Plan), then apply that one.");
            }

            var tail = CommandRunner.Tail(result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput);
            throw new CommandFailedException($"terraform {arguments[0]}", result.ExitCode, _run.Redactor.Redact(tail), shown: stream);
        }

        return result;
    }

    /// <summary>
    /// What to do when another Terraform run holds the state lock (null: the output says no such thing).
    /// Terraform's own advice there, to pass -lock=false, would let two runs write the state at once;
    /// Platform never offers it, and says how to release a lock whose run died instead.
    /// </summary>
    internal static string? StateLockClash(string output, string environment, string infraDir, string dataDir)
    {
        if (!output.Contains("Error acquiring the state lock", StringComparison.Ordinal))
        {
            return null;
        }

        var id = LockId().Match(output) is { Success: true } m ? m.Groups[1].Value : null;
        var release = id is null
            ? "If it died, its lock goes with its connection to the backend, or see the backend's documentation."
            : $"If it died and its lock stayed, release it from {infraDir} with: TF_DATA_DIR={dataDir} terraform force-unlock {id}";
        return $"Another Terraform run holds the state lock of '{environment}' (Terraform's output above says whose and since when). Nothing was changed: run again once it has finished. {release} " +
            "(Terraform's advice to pass -lock=false does not apply: Platform always plans and applies under the lock.)";
    }

    /// <summary>
    /// A line of Terraform's output as Platform shows it: without its advice, on a state lock clash, to
    /// pass <c>-lock=false</c> (two runs would write the state at once; <see cref="StateLockClash"/> says
    /// what to do instead). Null: the line is left out.
    /// </summary>
    internal static string? WithoutLockFalseAdvice(string line)
    {
        var advice = line.IndexOf("For most commands, you can disable locking", StringComparison.Ordinal);
        if (advice >= 0)
        {
            return line[..advice].TrimEnd() is { Length: > 0 } before ? before : null;
        }

        return line.Contains("-lock=false", StringComparison.Ordinal) || line.Trim() == "flag, but this is not recommended." ? null : line;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*ID:\s+(\S+)", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex LockId();
}
