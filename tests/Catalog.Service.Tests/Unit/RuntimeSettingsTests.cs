using System.Text.Json;
using Catalog.Service.Tests.Support;

namespace Catalog.Service.Tests.Unit;

/// <summary>
/// The runtime settings the build gives the service. The native (AOT) release is compiled with the
/// same settings as this runtimeconfig.json, so checking the file checks what the nodes run.
/// </summary>
public sealed class RuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(ServiceBuild.OutputDirectory, "Catalog.Service.runtimeconfig.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    // Two processes share a node during a roll: the server GC's heap per core and the background GC
    // thread cost start-up CPU a small service never earns back (the Web SDK turns the server GC on).
    [TestCase("System.GC.Server")]
    [TestCase("System.GC.Concurrent")]
    public void TheGarbageCollectorIsTheSmallNonConcurrentOne(string setting)
    {
        Assert.That(ConfigProperties().TryGetProperty(setting, out var value), Is.True, $"{setting} is not set");
        Assert.That(value.GetBoolean(), Is.False, setting);
    }

    [Test]
    public void TheServiceRunsWithInvariantGlobalization()
    {
        Assert.That(ConfigProperties().GetProperty("System.Globalization.Invariant").GetBoolean(), Is.True);
    }
}
