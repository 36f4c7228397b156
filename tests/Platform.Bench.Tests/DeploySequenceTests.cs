using System.Text.RegularExpressions;
using Platform.TestSupport;

namespace Platform.Bench.Tests;

/// <summary>The benchmark's deploy runs what build.cake's Deploy runs, in the same order: its figures are a Deploy's.</summary>
public sealed partial class DeploySequenceTests
{
    [Test]
    public void The_benchmarks_deploy_calls_what_build_cakes_deploy_target_runs_in_its_order()
    {
        var cake = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "build", "build.cake"));
        var bodies = TaskBody().Matches(cake).ToDictionary(m => m.Groups["task"].Value, m => $"{m.Groups["class"].Value}.{m.Groups["method"].Value}");
        var dependencies = TaskWithDependencies().Matches(cake).ToDictionary(
            m => m.Groups["task"].Value,
            m => DependsOn().Matches(m.Groups["deps"].Value).Select(d => d.Groups[1].Value).ToList());

        // Cake runs a task's dependencies first, depth first, each once.
        var order = new List<string>();
        void Visit(string task)
        {
            foreach (var dependency in dependencies.GetValueOrDefault(task, []))
            {
                Visit(dependency);
            }

            if (!order.Contains(task))
            {
                order.Add(task);
            }
        }

        Visit("Deploy");
        var sequence = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Platform.Bench", "DeploySequence.cs"));
        var called = SequenceCall().Matches(sequence).Select(m => $"{m.Groups["class"].Value}.{m.Groups["method"].Value}").ToList();

        Assert.That(order, Has.Count.GreaterThan(8), "build.cake's Deploy and its dependencies were found");
        Assert.That(called, Is.EqualTo(order.Select(t => bodies[t]).ToList()));
    }

    // Step("Name", "description",\n    r => new Class(r).MethodAsync(
    [GeneratedRegex(@"Step\(""(?<task>\w+)"",[^\n]*\n\s*r => new (?<class>\w+)\(r\)\.(?<method>\w+)\(")]
    private static partial Regex TaskBody();

    // A task and the .IsDependentOn(...) lines that follow its body.
    [GeneratedRegex(@"Step\(""(?<task>\w+)"",[^\n]*\n[^\n]*\n(?<deps>(?:\s*\.(?:IsDependentOn|WithCriteria)\([^\n]*\n)*)")]
    private static partial Regex TaskWithDependencies();

    [GeneratedRegex(@"\.IsDependentOn\(""(\w+)""\)")]
    private static partial Regex DependsOn();

    // await new Class(run).MethodAsync(
    [GeneratedRegex(@"await new (?<class>\w+)\(run\)\.(?<method>\w+)\(")]
    private static partial Regex SequenceCall();
}
