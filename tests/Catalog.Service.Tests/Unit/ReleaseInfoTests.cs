using Catalog.Service.Release;
using Catalog.Service.Startup;
using Microsoft.Extensions.Configuration;

namespace Catalog.Service.Tests.Unit;

public sealed class ReleaseInfoTests
{
    private static readonly ReleaseInfo NPlus1 = new("1.1.0", 4, [1, 2, 3], ReleaseInfo.NoFault);

    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(3, 3)]
    [TestCase(4, 3)]
    public void AReleaseRequiresTheHighestExpandMigrationAtOrBelowItsLevel(int level, int required)
    {
        Assert.That((NPlus1 with { SchemaLevel = level }).RequiredSchema, Is.EqualTo(required));
    }

    [Test]
    public void TheDefaultBuildIsCutAtTheHighestMigrationAndRequiresTheLastExpand()
    {
        var baked = ReleaseInfo.Baked;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(baked.SchemaLevel, Is.EqualTo(4));
            Assert.That(baked.ExpandVersions, Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(baked.RequiredSchema, Is.EqualTo(3));
            Assert.That(baked.Fault, Is.EqualTo(ReleaseInfo.NoFault));
            Assert.That(baked.Release, Does.Not.Contain('+'));
        }
    }

    [Test]
    public void ConfigurationCanLowerTheLevelAndInjectAFault()
    {
        var release = NPlus1.WithOverrides(Configuration(("Catalog:SchemaLevel", "2"), ("Catalog:Fault", "never-ready")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(release.SchemaLevel, Is.EqualTo(2));
            Assert.That(release.RequiredSchema, Is.EqualTo(2));
            Assert.That(release.NeverReady, Is.True);
        }
    }

    [Test]
    public void WithoutOverridesTheBakedValuesStand()
    {
        Assert.That(NPlus1.WithOverrides(Configuration()), Is.EqualTo(NPlus1));
    }

    [TestCase("Catalog:SchemaLevel", "three")]
    [TestCase("Catalog:Fault", "sometimes-ready")]
    public void AnInvalidOverrideStopsTheStart(string key, string value)
    {
        Assert.Throws<StartupException>(() => NPlus1.WithOverrides(Configuration((key, value))));
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
