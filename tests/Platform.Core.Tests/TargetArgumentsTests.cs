using System.Text.RegularExpressions;
using Platform.TestSupport;

namespace Platform.Core.Tests;

public sealed partial class TargetArgumentsTests
{
    // What Cake runs for --target=Deploy (its dependencies first), as build.cake wires it.
    private static readonly string[] Deploy = ["Package", "Plan", "Apply", "SeedKeys", "ExpandDb", "CheckCompatibility", "Stage", "RollNode", "Verify", "ContractDb", "Deploy"];

    [Test]
    public void An_argument_no_task_of_the_run_reads_is_refused_naming_the_tasks_and_its_readers()
    {
        var error = Assert.Throws<PlatformException>(() => TargetArguments.Check(["/x/Cake.dll", "build/build.cake", "--target=Verify", "--batch-size=3"], ["Verify"], ["Verify"]));

        Assert.That(error!.Message, Is.EqualTo("--batch-size is read only by RollNode, Rollback (or a target that depends on one of them), and this run runs Verify. Nothing was run."));
    }

    [Test]
    public void Every_unread_argument_is_named_once_and_a_single_reader_is_it()
    {
        var error = Assert.Throws<PlatformException>(() => TargetArguments.Check(["--target=Apply", "--phase=contract", "--Phase=expand", "--var=app_nodes=4", "--node", "web-1"], ["Plan", "Apply"], ["Apply"]));

        Assert.That(error!.Message, Is.EqualTo(
            "--phase is read only by MigrateDb (or a target that depends on it), and this run runs Plan, Apply. " +
            "--node is read only by Stage, RollNode, Rollback (or a target that depends on one of them), and this run runs Plan, Apply. Nothing was run."));
    }

    [Test]
    public void An_argument_a_dependency_reads_is_accepted()
    {
        string[] line = ["--target=Deploy", "--batch-size=3", "--phase=contract", "--var=app_nodes=4", "--replace=x", "--plan=p.tfplan", "--max-5xx-rate=0.02", "--contract=false", "--release-version=1.2.0"];

        Assert.That(TargetArguments.Unread(line, Deploy), Is.EqualTo(new[] { "phase" }), "MigrateDb is not part of a Deploy: ExpandDb and ContractDb fix their phase");
        Assert.DoesNotThrow(() => TargetArguments.Check(["--target=Plan", "--var=app_nodes=3", "--replace=x"], ["Plan"], ["Plan"]));
        Assert.DoesNotThrow(() => TargetArguments.Check(["--target=Apply", "--exclusive", "--plan=p.tfplan", "--allow-destroy"], ["Plan", "Apply"], ["Apply"]));
    }

    // Cake's TasksToExecute lists Deploy's dependencies even with --exclusive, which runs Deploy alone.
    [Test]
    public void With_exclusive_only_the_targets_themselves_run()
    {
        Assert.That(TargetArguments.Running(["--target=Deploy", "--exclusive"], Deploy, ["deploy"]), Is.EqualTo(new[] { "Deploy" }));
        Assert.That(TargetArguments.Running(["-t", "Deploy", "-E"], Deploy, ["Deploy"]), Is.EqualTo(new[] { "Deploy" }), "Cake's short -e, in any case");
        Assert.That(TargetArguments.Running(["--target=Deploy"], Deploy, ["Deploy"]), Is.EqualTo(Deploy));

        var error = Assert.Throws<PlatformException>(() => TargetArguments.Check(["--target=Deploy", "--exclusive", "--batch-size=3", "--release-version=1.2.0"], Deploy, ["Deploy"]));
        Assert.That(error!.Message, Does.StartWith("--batch-size is read only by RollNode, Rollback").And.Contain("and this run runs Deploy.").And.Not.Contain("--version"));
        Assert.That(TargetArguments.Unread(["--target=Plan", "--plan=p.tfplan"], ["Plan"]), Is.EqualTo(new[] { "plan" }), "Plan only skips itself for --plan: Apply reads it");
    }

    [Test]
    public void Version_is_named_as_typed_although_build_sh_passes_it_as_release_version()
    {
        var error = Assert.Throws<PlatformException>(() => TargetArguments.Check(["--target=SeedKeys", "--release-version=1.2.0"], ["SeedKeys"], ["SeedKeys"]));

        Assert.That(error!.Message, Does.StartWith("--version is read only by Package, ").And.Not.Contain("release-version"));
        Assert.DoesNotThrow(() => TargetArguments.Check(["--release-version=1.2.0", "--force"], ["RollNode"], ["RollNode"]));
    }

    [Test]
    public void Global_Cake_and_unknown_arguments_pass_for_every_target()
    {
        Assert.That(Graph(), Does.Contain("Deploy").And.Contain("RollNode").And.Count.GreaterThanOrEqualTo(20), "the graph as build.cake defines it");
        foreach (var target in Graph())
        {
            string[] line = ["--target=" + target, "--environment=local", "--as=ci", "--state-dir=s", "--artifacts-dir=a", "--releases-dir=r", "--check", "--ssh-certificates=false", "-v", "diagnostic", "--exclusive", "--settings_skipverification=true", "--frobnicate"];

            Assert.That(TargetArguments.Unread(line, [target]), Is.Empty, target);
        }
    }

    // Drift guards: a Platform argument with no entry would never be checked, and a target the graph
    // lacks would never match (its argument refused for the target meant).
    [Test]
    public void Every_Platform_argument_is_global_or_has_readers_in_the_graph()
    {
        var graph = Graph();

        Assert.That(graph, Does.Contain("RollNode").And.Contain("Deploy"), "the pattern finds the targets");
        Assert.That(KnownArguments.Platform.Where(n => n != "release-version" && TargetArguments.Global.Contains(n) == TargetArguments.ReadBy.ContainsKey(n)), Is.Empty, "each argument is either global or has readers");
        Assert.That(TargetArguments.Global.Concat(TargetArguments.ReadBy.Keys).Where(n => !KnownArguments.Platform.Contains(n)), Is.Empty, "only known arguments");
        Assert.That(TargetArguments.ReadBy.Where(e => e.Value.Count == 0 || e.Value.Any(t => !graph.Contains(t))).Select(e => e.Key), Is.Empty, "every reader is a target of build.cake");
    }

    // The targets build/build.cake defines (Step/SyncStep calls).
    private static HashSet<string> Graph() =>
        TargetDefinition().Matches(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "build", "build.cake"))).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\b(?:Sync)?Step\(""([A-Za-z]+)""")]
    private static partial Regex TargetDefinition();
}
