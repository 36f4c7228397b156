// Platform's target graph. Every task body is one call into a class in src/, named after the step
// (PlanStep, SeedKeysStep, RollNodeStep, VerifyStep, …); this file only wires targets, descriptions and
// dependencies. Steps that guard another project's step live in Platform.Deploy, beside the deploy lock:
// Apply -> LockedApplyStep (lock + Provision's ApplyStep), Destroy -> LockedDestroyStep, Package ->
// CheckedPackageStep (expand guard + Release's PackageStep), MigrateDb -> CheckedMigrateDbStep (contract
// readiness + Migrate's MigrateDbStep, audit), which ExpandDbStep and ContractDbStep run too.
//   ./build.sh --target=Plan --target=Apply     chain targets
//   ./build.sh --tree | --description           show the graph
//   ./build.sh --target=Deploy --dryrun         check mode: every step shows what it would change
// Common arguments: --environment=NAME (default local; the folder infra/NAME), --plan=FILE,
// --var=name=value (Terraform variables), --check (check mode without Cake's dry run).

#r "../src/Platform.Targets/bin/targets/Platform.Core.dll"
#r "../src/Platform.Targets/bin/targets/Platform.Secrets.dll"
#r "../src/Platform.Targets/bin/targets/Platform.Secure.dll"
#r "../src/Platform.Targets/bin/targets/Platform.Provision.dll"
#r "../src/Platform.Targets/bin/targets/Platform.Release.dll"
#r "../src/Platform.Targets/bin/targets/Platform.Migrate.dll"
#r "../src/Platform.Targets/bin/targets/Platform.Reports.dll"
#r "../src/Platform.Targets/bin/targets/Platform.Deploy.dll"
#r "../src/Platform.Targets/bin/targets/Platform.Load.dll"
#r "../src/Platform.Targets/bin/targets/Platform.Bench.dll"
#r "../src/Platform.Targets/bin/targets/Platform.Testing.dll"

using Platform.Core;
using Platform.Provision;
using Platform.Secure;
using Platform.Release;
using Platform.Migrate;
using Platform.Deploy;
using Platform.Bench;
using Platform.Testing;

var targets = Arguments<string>("target", new[] { "Deploy" });

// Cake's --dryrun runs no task bodies; Platform turns it into check mode and, in Setup, asks each
// step that would run to show what it would change (Setup is the one hook Cake runs in a dry run).
var dryRun = System.Environment.GetCommandLineArgs().Any(a => a is "--dryrun" or "--noop" or "--whatif");
var checkMode = dryRun || new RunArguments(Values).GetFlag("check"); // --check=false is no check mode

RunContext run = null;

// Ctrl+C or SIGTERM stops the run safely (nodes in flight go back, the lock is released); a second one at once.
// Said through the run's reporter once there is a run, so that the deploy report's warnings list it.
var interruption = new Interruption(message => { if (run is { } r) r.Reporter.Warn(message); else Warning(message); });

RunContext Run() => run ??= RunContext.FromArguments(
    Context.Environment.WorkingDirectory.Combine("..").Collapse().FullPath,
    new RunArguments(name => Values(name == "version" ? "release-version" : name)),
    checkMode,
    new CakeReporter(Context.Log),
    interruption.Token,
    ciBuild: CiBuild());

// Every value given for an argument (build.sh passes --version=X as --release-version=X: Cake owns --version).
List<string> Values(string name) => HasArgument(name) ? Arguments<string>(name).ToList() : new List<string>();

// The CI build running this, for the audit log (Cake's build-system detection); null on a laptop.
string CiBuild()
{
    if (BuildSystem.GitHubActions.IsRunningOnGitHubActions) return $"github-actions#{BuildSystem.GitHubActions.Environment.Workflow.RunNumber}";
    if (BuildSystem.Jenkins.IsRunningOnJenkins) return $"jenkins#{BuildSystem.Jenkins.Environment.Build.BuildNumber}";
    if (BuildSystem.TravisCI.IsRunningOnTravisCI) return $"travis#{BuildSystem.TravisCI.Environment.Build.BuildNumber}";
    return BuildSystem.IsLocalBuild ? null : BuildSystem.Provider.ToString();
}

var steps = new Dictionary<string, Func<RunContext, Task>>();
CakeTaskBuilder Step(string name, string description, Func<RunContext, Task> body)
{
    steps[name] = body;
    // What Cake prints of a failure is redacted too (it bypasses the run's reporter).
    return Task(name).Description(description).Does(() => RedactedErrors.RunAsync(() => interruption.RunAsync(() => body(Run()), name), Run().Redactor));
}
CakeTaskBuilder SyncStep(string name, string description, Action<RunContext> body) =>
    Step(name, description, r => { body(r); return System.Threading.Tasks.Task.CompletedTask; });

var argumentsChecked = false;
Setup(context =>
{
    // Before any task: a misspelt argument, or a roll option out of range, fails the run with nothing changed
    // (otherwise Deploy would find a bad --batch-size only at Stage, after Apply and the expand migrations).
    var commandLine = System.Environment.GetCommandLineArgs().Skip(1).ToList();
    KnownArguments.Check(commandLine);
    // An argument no task of this run reads (--target=Verify --batch-size=3) would change nothing: refused too.
    var tasks = context.TasksToExecute.Select(t => t.Name).ToList();
    TargetArguments.Check(commandLine, tasks, targets.ToList());
    // The tasks that run: Cake's list has the dependencies even with --exclusive, which runs only the targets.
    var running = TargetArguments.Running(commandLine, tasks, targets.ToList());
    ArgumentPreflight.Check(Run(), tasks);
    argumentsChecked = true;
    if (dryRun) CheckModePreview.RunAsync(Run(), running, steps).GetAwaiter().GetResult();
});

// ---- Provision --------------------------------------------------------------------------------
Step("Plan", "Terraform plan of the environment, saved with its summary to artifacts/<env>/plan.*",
    r => new PlanStep(r).RunAsync())
    .WithCriteria(() => !HasArgument("plan"), "--plan=FILE given: applying that reviewed plan");

Step("Apply", "Apply the saved plan (or --plan=FILE), under the deploy lock when it changes existing hosts, and write artifacts/<env>/inventory.json",
    r => new LockedApplyStep(r).RunAsync(targets.ToList()))
    .IsDependentOn("Plan");

Step("Destroy", "Remove the environment's resources, under the deploy lock (other than local: --confirm=<env>)",
    r => new LockedDestroyStep(r).RunAsync());

SyncStep("Inventory", "Print the environment's hosts",
    r => new InventoryStep(r).Run());

Step("StoreSecret", "Store a secret platform.json asks for, piped in (printf '%s' \"$VALUE\" | ./build.sh --target=StoreSecret --secret=KEY) or typed unseen at a terminal",
    r => new StoreSecretStep(r).RunAsync());

// ---- Secure -----------------------------------------------------------------------------------
Step("Operators", "List the trusted circle: name, key type, SHA256 fingerprint, added, expires",
    r => new OperatorSteps(r).ListAsync());

Step("Onboard", "Add an operator: --operator=NAME --key=PUBLIC_KEY_FILE [--expires=YYYY-MM-DD]",
    r => new OperatorSteps(r).OnboardAsync());

Step("Revoke", "Remove an operator from the circle: --operator=NAME",
    r => new OperatorSteps(r).RevokeAsync());

Step("Rotate", "Replace an operator's key: --operator=NAME --key=NEW_PUBLIC_KEY_FILE",
    r => new OperatorSteps(r).RotateAsync());

Step("SeedKeys", "Make every host's root authorized_keys exactly the trusted circle (drift removed)",
    r => new SeedKeysStep(r).RunAsync());

// ---- Release and database -------------------------------------------------------------------
Step("Package", "Compile the component to a native executable into artifacts/releases/catalog-<version>.tar.zst and its smoke tests into catalog-<version>-smoke.tar.zst (+ .sha256, manifest)",
    r => new CheckedPackageStep(r).RunAsync());

Step("MigrateDb", "Run the release's migrations: --phase=expand (default, before the roll) or --phase=contract (refused until every app node runs the release)",
    r => new CheckedMigrateDbStep(r).RunAsync());

// ---- Roll out ---------------------------------------------------------------------------------
Step("ExpandDb", "MigrateDb --phase=expand under the deploy lock (Deploy's first database step)",
    r => new ExpandDbStep(r).RunAsync());

Step("CheckCompatibility", "Run the RUNNING release's smoke tests on the expanded schema; stop before any node is touched if they fail",
    r => new CheckCompatibilityStep(r).RunAsync());

Step("Stage", "Put --version on the app nodes that lack it (uploaded and unpacked beside what runs; nothing started or rerouted)",
    r => new StageStep(r).RunAsync());

Step("RollNode", "Roll the app nodes to --version with zero downtime (--batch-size, --node, --strategy, timeouts)",
    r => new RollNodeStep(r).RunAsync());

Step("Verify", "Every node serves --version, HAProxy slots UP/MAINT, compliance (metrics, logs, security), smoke tests via the LB",
    r => new VerifyStep(r).RunAsync());

Step("ContractDb", "MigrateDb --phase=contract once every node runs the new release (--contract=false skips it)",
    r => new ContractDbStep(r).RunAsync());

Step("Deploy", "Package -> Apply -> SeedKeys -> ExpandDb -> CheckCompatibility -> Stage -> RollNode -> Verify -> ContractDb",
    r => new DeploySummaryStep(r).RunAsync())
    .IsDependentOn("Package")
    .IsDependentOn("Apply")
    .IsDependentOn("SeedKeys")
    .IsDependentOn("ExpandDb")
    .IsDependentOn("CheckCompatibility")
    .IsDependentOn("Stage")
    .IsDependentOn("RollNode")
    .IsDependentOn("Verify")
    .IsDependentOn("ContractDb");

Step("Rollback", "Roll a canary back to what the other nodes run, else every node to its previous release (or --version=), zero-downtime",
    r => new RollbackStep(r).RunAsync());

Step("Unlock", "Release a deploy lock left by a run that died (says whose it was)",
    r => new UnlockStep(r).RunAsync());

// ---- Measure ----------------------------------------------------------------------------------
Step("Benchmark", "Deploy from scratch, rolls under load, restart baseline, no-op deploy, scaling -> artifacts/bench/bench.json",
    r => new BenchmarkStep(r).RunAsync());

// ---- Test -------------------------------------------------------------------------------------
Step("Test", "Run every test project; ends with 'tests: N passed, N failed'",
    r => new TestStep(r).RunAsync());

// CI-specific output through Cake's build-system detection: each task folds into a group.
IDisposable fold = null;
TaskSetup(context =>
{
    // After Ctrl+C no further task starts: the run goes straight to Teardown.
    interruption.ThrowIfInterrupted(context.Task.Name);
    if (BuildSystem.GitHubActions.IsRunningOnGitHubActions) BuildSystem.GitHubActions.Commands.StartGroup(context.Task.Name);
    else if (BuildSystem.TravisCI.IsRunningOnTravisCI) fold = BuildSystem.TravisCI.Fold(context.Task.Name);
});
TaskTeardown(context =>
{
    if (BuildSystem.GitHubActions.IsRunningOnGitHubActions) BuildSystem.GitHubActions.Commands.EndGroup();
    fold?.Dispose();
    fold = null;
});

// Ends every run: releases the deploy lock, appends the audit line, writes the deploy report. A run
// refused by the argument checks in Setup touched nothing and is not audited (nor its --environment's folder made).
Teardown(context =>
{
    if (argumentsChecked) DeployRun.FinishAsync(Run(), targets.ToList(), context.Successful, context.ThrownException?.Message).GetAwaiter().GetResult();
});

// A misspelt target fails with the closest one (Cake would only say it was not found).
KnownArguments.CheckTargets(targets, Tasks.Select(t => t.Name).ToList());
RunTargets(targets);

// Cake's log, with braces escaped (Platform's messages are text, not format strings).
public sealed class CakeReporter : IReporter
{
    private readonly ICakeLog _log;
    public CakeReporter(ICakeLog log) => _log = log;
    public void Info(string message) => _log.Write(Verbosity.Normal, LogLevel.Information, Escape(message));
    public void Warn(string message) => _log.Write(Verbosity.Normal, LogLevel.Warning, Escape(message));
    public void Error(string message) => _log.Write(Verbosity.Quiet, LogLevel.Error, Escape(message));
    public void Verbose(string message) => _log.Write(Verbosity.Verbose, LogLevel.Verbose, Escape(message));
    private static string Escape(string text) => text.Replace("{", "{{").Replace("}", "}}");
}
