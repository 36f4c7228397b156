using Platform.Core;
using Platform.TestSupport;

namespace Platform.Release.Tests;

public sealed class ReleaseVersionTests
{
    [TestCase("1.2.0")]
    [TestCase("0.0.188-g1a2b3c4")]
    [TestCase("10.0.3-rc.1")]
    public void A_release_name_Platform_makes_is_valid(string version) => Assert.That(ReleaseVersion.IsValid(version), Is.True);

    [TestCase("v9.9.2")]
    [TestCase("9.9")]
    [TestCase("9.9.2; rm -rf /")]
    [TestCase("../9.9.2")]
    public void Anything_else_is_refused_naming_the_value(string version)
    {
        Assert.That(ReleaseVersion.IsValid(version), Is.False);
        Assert.That(() => ReleaseVersion.Validate(version), Throws.TypeOf<PlatformException>().With.Message.StartWith($"--version={version} is not a version"));
    }

    [TestCase("09.9.2")]
    [TestCase("9.09.2")]
    [TestCase("9.9.02")]
    public void A_new_version_with_leading_zeros_is_refused_but_an_old_record_naming_one_still_reads(string version)
    {
        Assert.That(() => ReleaseVersion.Validate(version), Throws.TypeOf<PlatformException>().With.Message.Contains("without leading zeros"));
        Assert.That(ReleaseVersion.IsValid(version), Is.True, "a node record written before still names a release");
    }

    [Test]
    public async Task Without_version_it_is_the_tag_on_HEAD_else_the_commit_count_and_sha()
    {
        var repo = RepositoryRoot.NewScratch("release-version");
        try
        {
            var run = new RunContext(new EnvironmentLayout(repo, "local"), RunArguments.Empty, false, new RecordingReporter());
            async Task<string> Git(params string[] arguments) =>
                (await run.Commands.RunAsync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", .. arguments], new CommandOptions { WorkingDirectory = repo })).StandardOutput.Trim();
            await Git("init", "-q");
            await Git("commit", "-q", "--allow-empty", "-m", "one");
            await Git("commit", "-q", "--allow-empty", "-m", "two");
            var sha = await Git("rev-parse", "--short=7", "HEAD");

            Assert.That(await ReleaseVersion.ResolveAsync(run), Is.EqualTo($"0.0.2-g{sha}"));

            await Git("tag", "v1.4.0", "HEAD~1");
            Assert.That(await ReleaseVersion.ResolveAsync(run), Is.EqualTo($"0.0.2-g{sha}"), "a tag on an earlier commit does not name HEAD");

            await Git("tag", "v1.5.0-rc.1");
            Assert.That(await ReleaseVersion.ResolveAsync(run), Is.EqualTo("1.5.0-rc.1"));

            var given = new RunContext(run.Layout, RunArguments.From(new Dictionary<string, string> { ["version"] = "2.0.0" }), false, new RecordingReporter());
            Assert.That(await ReleaseVersion.ResolveAsync(given), Is.EqualTo("2.0.0"), "--version wins over git");
        }
        finally
        {
            RepositoryRoot.RemoveScratch(repo);
        }
    }
}
