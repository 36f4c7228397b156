using System.Text.RegularExpressions;
using Platform.TestSupport;

namespace Platform.Core.Tests;

public sealed partial class KnownArgumentsTests
{
    [Test]
    public void A_misspelt_argument_is_refused_with_the_closest_known_one()
    {
        var error = Assert.Throws<PlatformException>(() => KnownArguments.Check(["/x/Cake.dll", "build/build.cake", "--target=RollNode", "--bathc-size=2", "--release-version=1.2.0"]));

        Assert.That(error!.Message, Does.Contain("--bathc-size is not an argument").And.Contain("did you mean --batch-size?").And.Contain("Nothing was run"));
    }

    [Test]
    public void An_argument_that_takes_one_value_given_twice_is_refused_naming_both_values()
    {
        var error = Assert.Throws<PlatformException>(() => KnownArguments.Check(["/x/Cake.dll", "build/build.cake", "--target=RollNode", "--node=web-1", "--release-version=1.4.0", "--Node=web-2"]));

        Assert.That(error!.Message, Does.Contain("--node is given 2 times (web-1, web-2), and it takes one value").And.Contain("Nothing was run"));
        Assert.That(Assert.Throws<PlatformException>(() => KnownArguments.Check(["--release-version=1.4.0", "--release-version=1.5.0"]))!.Message, Does.StartWith("--version is given 2 times"), "named as the user typed it");
        Assert.DoesNotThrow(() => KnownArguments.Check(["--var=app_nodes=4", "--var=x=1", "--replace=a", "--replace=b", "--node=web-1"]), "--var and --replace take several");
    }

    [Test]
    public void Platform_and_Cake_options_values_and_Cake_configuration_pass()
    {
        string[] line = ["/x/Cake.dll", "build/build.cake", "--target=Deploy", "-v", "diagnostic", "--verbosity=quiet", "--var=app_nodes=4", "--var", "x=1", "--settings_skipverification=true", "--dryrun", "--surge=0", "--batch-size", "-1", "--Environment=local", "--no-report", "--invalidate-script-cache"];

        Assert.That(KnownArguments.Unknown(line), Is.Empty);
        Assert.DoesNotThrow(() => KnownArguments.Check(line));
    }

    [Test]
    public void Something_far_from_every_known_argument_gets_no_suggestion()
    {
        var error = Assert.Throws<PlatformException>(() => KnownArguments.Check(["--frobnicate"]));

        Assert.That(error!.Message, Does.Contain("--frobnicate is not an argument").And.Not.Contain("did you mean"));
    }

    // Drift guard: every argument a step reads is known, or the check would refuse a documented argument.
    [Test]
    public void Every_argument_read_under_src_is_known()
    {
        var read = ReadUnderSrc(ArgumentRead());

        Assert.That(read, Is.Not.Empty.And.Contains("batch-size"), "the pattern finds the reads");
        Assert.That(read.Where(n => !KnownArguments.Platform.Contains(n) && !KnownArguments.Cake.Contains(n)), Is.Empty, "Cake's own (--target) are known too");
    }

    // Setup checks the value of every yes/no argument before any task, so it must know each one read.
    [Test]
    public void Every_flag_read_under_src_is_checked_in_setup()
    {
        var flags = ReadUnderSrc(FlagRead());

        Assert.That(flags, Does.Contain("contract"), "the pattern finds the reads");
        Assert.That(flags.Except(KnownArguments.Flags), Is.Empty);
        Assert.That(KnownArguments.Flags.Where(f => !KnownArguments.Platform.Contains(f)), Is.Empty);
        Assert.That(() => RunArguments.From(new Dictionary<string, string> { ["contract"] = "maybe" }).GetFlag("contract"), Throws.TypeOf<PlatformException>().With.Message.Contains("--contract=maybe"));
    }

    [Test]
    public void An_unknown_target_is_refused_with_the_closest_one_or_the_list()
    {
        string[] graph = ["Plan", "Apply", "Deploy", "Revoke"];

        Assert.DoesNotThrow(() => KnownArguments.CheckTargets(["deploy", "Plan"], graph));
        Assert.That(() => KnownArguments.CheckTargets(["Deplyo"], graph), Throws.TypeOf<PlatformException>().With.Message.EqualTo("--target=Deplyo is not a target. Did you mean --target=Deploy? Nothing was run."));
        Assert.That(() => KnownArguments.CheckTargets(["Offboard"], graph), Throws.TypeOf<PlatformException>().With.Message.Contains("The targets are: Plan, Apply, Deploy, Revoke"));
    }

    [Test]
    public void Every_argument_is_documented_in_the_readme()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));

        // release-version is how build.sh passes --version on; users never type it.
        var undocumented = KnownArguments.Platform
            .Where(n => n != "release-version" && !Regex.IsMatch(readme, $@"(?<![\w-])--{Regex.Escape(n)}(?![\w-])"))
            .ToList();

        Assert.That(undocumented, Is.Empty, "arguments Platform reads that README.md never names");
    }

    // The argument names the pattern finds in the sources under src/ (build output left out).
    private static HashSet<string> ReadUnderSrc(Regex pattern) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => pattern.Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet();

    [GeneratedRegex(@"(?:Arguments|args|arguments)\.(?:Get|GetInt|GetFlag|GetSeconds|GetNumber|GetIntList|Has|All|Require)\(""([a-z0-9-]+)""")]
    private static partial Regex ArgumentRead();

    [GeneratedRegex(@"GetFlag\(""([a-z0-9-]+)""")]
    private static partial Regex FlagRead();
}
