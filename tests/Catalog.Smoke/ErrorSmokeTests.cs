using System.Net;
using Catalog.Client;

namespace Catalog.Smoke;

/// <summary>Refusals reach the consumer as typed exceptions with the server's problem details.</summary>
public sealed class ErrorSmokeTests : SmokeTest
{
    [Test]
    public async Task AnInvalidItemIsRefusedWithAnErrorPerField()
    {
        var refused = await Assert.ThrowsAsync<CatalogValidationException>(() => Catalog.CreateAsync(new ItemDraft(string.Empty, -1m)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(refused.Errors.Keys, Is.SupersetOf(new[] { "name", "price" }));
            Assert.That(refused.Message, Does.Contain("name"));
        }
    }

    [Test]
    public async Task AMissingItemIsNotFound()
    {
        var missing = await Assert.ThrowsAsync<CatalogNotFoundException>(() => Catalog.GetAsync(long.MaxValue));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(missing.Title, Is.EqualTo("Item not found"));
            Assert.That(await Catalog.FindAsync(long.MaxValue), Is.Null);
        }
    }
}
