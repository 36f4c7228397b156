using Platform.TestSupport;

namespace Catalog.Service.Tests.Support;

/// <summary>
/// Publishes a release of the service with MSBuild properties (Version, CatalogSchema, CatalogFault), as
/// the release step does for N and N+1. It builds a copy of the project inside the scratch folder, so the
/// tree's own bin/obj are never touched; no build server or node is left running.
/// </summary>
internal static class ReleaseBuild
{
    /// <returns>The publish folder.</returns>
    public static async Task<string> PublishAsync(string scratch, IReadOnlyDictionary<string, string> properties)
    {
        var project = Path.Combine(scratch, "Catalog.Service");
        SourceCopy.Copy(ServiceBuild.ProjectDirectory, project);
        var output = Path.Combine(scratch, "publish");

        string[] arguments = ["publish", Path.Combine(project, "Catalog.Service.csproj"), "-c", "Release", "-o", output, "-nodeReuse:false", "-p:UseSharedCompilation=false", .. properties.Select(p => $"-p:{p.Key}={p.Value}")];
        // With a deadline, and killed with its tree past it: a hung publish must not stall the fixture or outlive it.
        var publish = await DotnetProcess.RunAsync(scratch, arguments, new Dictionary<string, string>(), TimeSpan.FromMinutes(10));
        Assert.That(publish.ExitCode, Is.Zero, $"dotnet publish failed: {publish}");
        return output;
    }
}
