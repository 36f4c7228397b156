#if CATALOG_DESCRIPTION
using Catalog.Client;

namespace Catalog.Smoke;

/// <summary>Release N+1's addition: items carry an optional description (schema 3).</summary>
public sealed class DescriptionSmokeTests : SmokeTest
{
    private const int DescriptionSchema = 3;

    [Test]
    public async Task DescriptionRoundTrips()
    {
        // This client (release N+1) may be smoke-testing an older server during a rollout or a rollback.
        var version = await Catalog.VersionAsync();
        if (version.Schema < DescriptionSchema)
        {
            Assert.Ignore($"The catalog serves release {version.Release} (schema {version.Schema}), which does not store descriptions (schema {DescriptionSchema}).");
        }

        var created = await Items.CreateAsync(new ItemDraft(Items.NewName("description"), 4m) { Description = "brass, 40 cm" });
        await Catalog.UpdateAsync(created.Id, new ItemDraft(created.Name, 4m) { Description = "brass, 45 cm" });
        var updated = await Catalog.GetAsync(created.Id);
        await Catalog.UpdateAsync(created.Id, new ItemDraft(created.Name, 4m));
        var cleared = await Catalog.GetAsync(created.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.Description, Is.EqualTo("brass, 40 cm"));
            Assert.That(updated.Description, Is.EqualTo("brass, 45 cm"));
            Assert.That(cleared.Description, Is.Null, "an update replaces every field, the description too");
        }
    }
}
#endif
