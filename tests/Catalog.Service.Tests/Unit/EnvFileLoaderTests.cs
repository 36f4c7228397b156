using Catalog.Service.Startup;

namespace Catalog.Service.Tests.Unit;

public sealed class EnvFileLoaderTests
{
    [Test]
    public void RealEnvironmentVariablesWinOverTheFile()
    {
        var file = new Dictionary<string, string> { ["CATALOG_DB"] = "from-file", ["ASPNETCORE_URLS"] = "http://127.0.0.1:1" };
        var environment = new Dictionary<string, string> { ["CATALOG_DB"] = "from-environment" };

        var toSet = EnvFileLoader.ValuesToSet(file, environment.GetValueOrDefault);

        Assert.That(toSet, Is.EqualTo(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://127.0.0.1:1" }));
    }

    [Test]
    public void AVariableSetToEmptyInTheEnvironmentStillWins()
    {
        var toSet = EnvFileLoader.ValuesToSet(new Dictionary<string, string> { ["A"] = "file" }, _ => string.Empty);

        Assert.That(toSet, Is.Empty);
    }
}
