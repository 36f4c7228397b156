namespace Platform.Release.Tests;

/// <summary>Why Package refuses to rebuild an existing version, said in terms of the arguments to pass.</summary>
public sealed class PackageDifferenceTests
{
    private static readonly (string Phase, int Version, string Path)[] Tree =
        [("expand", 1, "expand/V1__a.sql"), ("expand", 3, "expand/V3__b.sql"), ("contract", 4, "contract/V4__c.sql")];

    [Test]
    public void A_release_cut_at_another_schema_names_the_argument_it_was_built_with() =>
        Assert.That(PackageStep.Difference(Manifest(schema: 2), schema: null, "none", Tree),
            Is.EqualTo("it was cut at schema 2 (--schema=2), this run cuts at the tree's level, 4"));

    [Test]
    public void An_explicit_schema_and_a_fault_are_both_named() =>
        Assert.That(PackageStep.Difference(Manifest(schema: 4, fault: "never-ready"), schema: 3, "none", Tree),
            Is.EqualTo("it was cut at schema 4 (--schema=4), this run asks for --schema=3; it was built with --fault=never-ready, this run with none"));

    [Test]
    public void Same_settings_mean_the_sources_changed() =>
        Assert.That(PackageStep.Difference(Manifest(schema: 4), schema: null, "none", Tree),
            Does.StartWith("was built from other sources (commit abc123"));

    private static ReleaseManifest Manifest(int schema, string fault = "none") => new()
    {
        Version = "1.0.0",
        GitCommit = "abc123",
        Created = DateTimeOffset.UnixEpoch,
        RequiredSchema = 3,
        CatalogSchema = schema,
        Migrations = [],
        Fault = fault,
        BuildKey = "k",
    };
}
