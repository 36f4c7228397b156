using Platform.Core;

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
}
