using Catalog.Service.Items;
using Catalog.Service.Release;

namespace Catalog.Service.Tests.Unit;

public sealed class ItemValidatorTests
{
    private static readonly ItemValidator ReleaseN = new(new ItemSchemaFeatures(2));
    private static readonly ItemValidator ReleaseNPlus1 = new(new ItemSchemaFeatures(4));

    [Test]
    public void AValidRequestIsNormalised()
    {
        var result = ReleaseNPlus1.Validate(new ItemRequest("  Lamp \t", 10.50m, "Bright"));

        Assert.That(result.Value, Is.EqualTo(new ItemFields("Lamp", 10.50m, "Bright")));
    }

    [Test]
    public void TrailingZerosDoNotCountAsDecimals()
    {
        Assert.That(ReleaseNPlus1.Validate(new ItemRequest("A", 1.2000m, null)).Value, Is.Not.Null);
    }

    [Test]
    public void EveryInvalidFieldIsReportedAtOnce()
    {
        var result = ReleaseNPlus1.Validate(new ItemRequest(null, null, new string('d', 2001)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Value, Is.Null);
            Assert.That(result.Errors.Keys, Is.EquivalentTo(new[] { "name", "price", "description" }));
        }
    }

    [Test]
    public void ANameIsMeasuredAfterTrimming()
    {
        Assert.That(ReleaseNPlus1.Validate(new ItemRequest($"  {new string('n', 200)}  ", 1m, null)).Value?.Name, Has.Length.EqualTo(200));
    }

    [Test]
    public void ReleaseNDropsTheDescriptionItDoesNotKnow()
    {
        var result = ReleaseN.Validate(new ItemRequest("A", 1m, new string('d', 5000)));

        Assert.That(result.Value, Is.EqualTo(new ItemFields("A", 1m, null)));
    }
}
