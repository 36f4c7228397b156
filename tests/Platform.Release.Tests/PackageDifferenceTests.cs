namespace Platform.Release.Tests;

/// <summary>Why Package refuses to rebuild an existing version, said in terms of the arguments to pass.</summary>
public sealed class PackageDifferenceTests
{
    private static readonly (string Phase, int Version, string Path)[] Tree =
        [("expand", 1, "expand/V1__a.sql"), ("expand", 3, "expand/V3__b.sql"), ("contract", 4, "contract/V4__c.sql")];

    [Test]
    public void A_release_cut_at_another_schema_names_the_argument_it_was_built_with() =>
        Assert.That(PackageStep.Difference(Manifest(schema: 1, ["expand/V1__a.sql"]), schema: null, "none", Tree),
            Is.EqualTo("it was cut at schema 1 (--schema=1), this run cuts at the tree's level, 4"));

    [Test]
    public void An_explicit_schema_and_a_fault_are_both_named() =>
        Assert.That(PackageStep.Difference(Manifest(schema: 4, ["expand/V1__a.sql", "expand/V3__b.sql", "contract/V4__c.sql"], fault: "never-ready"), schema: 3, "none", Tree),
            Is.EqualTo("it was cut at schema 4 (--schema=4), this run asks for --schema=3; it was built with --fault=never-ready, this run with none"));

    [Test]
    public void A_migration_added_below_its_level_since_is_named_instead_of_a_schema_that_would_not_help() =>
        Assert.That(PackageStep.Difference(Manifest(schema: 3, ["expand/V1__a.sql"]), schema: null, "none", Tree),
            Does.StartWith("its migrations differ from the tree's up to its schema 3 (it ships expand/V1__a.sql)"));

    [Test]
    public void Same_settings_mean_the_sources_changed_or_schema_was_given_differently() =>
        Assert.That(PackageStep.Difference(Manifest(schema: 4, ["expand/V1__a.sql", "expand/V3__b.sql", "contract/V4__c.sql"]), schema: null, "none", Tree),
            Does.StartWith("was built from other sources (commit abc123").And.EndWith("--schema=4 given where this run leaves it out (or the reverse)"));

    private static ReleaseManifest Manifest(int schema, IReadOnlyList<string> migrations, string fault = "none") => new()
    {
        Version = "1.0.0",
        GitCommit = "abc123",
        Created = DateTimeOffset.UnixEpoch,
        RequiredSchema = 3,
        CatalogSchema = schema,
        Migrations = migrations,
        Fault = fault,
        BuildKey = "k",
    };
}
