using System.Text.RegularExpressions;
using Platform.TestSupport;

namespace Platform.Release.Tests;

public sealed class CatalogSchemaDefaultTests
{
    // Package cuts at the tree's highest migration; a plain `dotnet publish` takes Catalog.props' default.
    // The two must agree, or a hand-published service would leave out the newest migration.
    [Test]
    public void Catalog_props_defaults_to_the_highest_migration_in_the_tree()
    {
        var props = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Catalog.Service", "Catalog.props"));
        var byDefault = int.Parse(Regex.Match(props, @"<CatalogSchema Condition=""'\$\(CatalogSchema\)' == ''"">(\d+)</CatalogSchema>").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        var highest = PackageStep.Migrations(Path.Combine(RepositoryRoot.Path, "src", "Catalog.Service", "db")).Max(m => m.Version);

        Assert.That(byDefault, Is.EqualTo(highest), "raise CatalogSchema in Catalog.props along with the new migration");
    }

    [Test]
    public void A_migration_file_MigrateDb_would_refuse_stops_the_packaging_naming_it()
    {
        var db = RepositoryRoot.NewScratch("package-migrations");
        try
        {
            Directory.CreateDirectory(Path.Combine(db, "expand"));
            File.WriteAllText(Path.Combine(db, "expand", "V1__create_items.sql"), "SELECT 1;");
            File.WriteAllText(Path.Combine(db, "expand", "v2-items-sku.sql"), "SELECT 1;");

            Assert.That(() => PackageStep.Migrations(db), Throws.TypeOf<Platform.Core.PlatformException>().With.Message.Contains("v2-items-sku.sql").And.Message.Contains("V<n>__<description>.sql"));
        }
        finally
        {
            RepositoryRoot.RemoveScratch(db);
        }
    }
}
