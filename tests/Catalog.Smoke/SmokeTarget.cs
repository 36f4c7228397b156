using Catalog.Client;

namespace Catalog.Smoke;

/// <summary>The live catalog under test, named by CATALOG_URL.</summary>
internal static class SmokeTarget
{
    public const string UrlVariable = "CATALOG_URL";

    /// <summary>Fails the test (it is not skipped) when CATALOG_URL is missing: a smoke run without a target is a mistake.</summary>
    public static CatalogClientOptions Options(bool dryRun = false)
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            Assert.Fail($"{UrlVariable} is not set: the smoke tests need the root URL of the catalog to test, e.g. " +
                        $"{UrlVariable}=http://127.0.10.10:8080 dotnet test Catalog.Smoke.dll --filter TestCategory=Smoke");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress))
        {
            Assert.Fail($"{UrlVariable}='{url}' is not an absolute URL.");
        }

        return new CatalogClientOptions { BaseAddress = baseAddress, DryRun = dryRun };
    }
}
