using System.Globalization;
using Platform.TestSupport;

namespace Catalog.Client.Tests.Support;

/// <summary>
/// Publishes tests/Catalog.Smoke as the Package step ships it inside a release, at a given release level.
/// It builds a copy of the sources inside the scratch folder, so the tree's own bin/obj (at the default
/// level) are never touched.
/// </summary>
internal static class SmokeRelease
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    // What the smoke project's build reads: its sources, the client's, the release level, the shared props
    // and the SDK/NuGet/analyzer settings where the repository has them.
    private static readonly string[] Sources =
    [
        "Directory.Build.props", "Directory.Packages.props", "tests/Directory.Build.props",
        "src/Catalog.Service/Catalog.props", "src/Catalog.Client", "tests/Catalog.Smoke",
        "global.json", "NuGet.config", ".editorconfig",
    ];

    /// <returns>The published Catalog.Smoke.dll.</returns>
    public static async Task<string> PublishAsync(string scratch, int catalogSchema)
    {
        var tree = Path.Combine(scratch, $"src-{catalogSchema}");
        foreach (var source in Sources)
        {
            SourceCopy.Copy(Path.Combine(RepositoryRoot.Path, source), Path.Combine(tree, source));
        }

        var output = Path.Combine(scratch, $"smoke-{catalogSchema}");
        var publish = await DotnetProcess.RunAsync(
            tree,
            ["publish", Path.Combine(tree, "tests", "Catalog.Smoke"), "-c", "Release", "-o", output, "-nodeReuse:false", $"-p:CatalogSchema={catalogSchema.ToString(CultureInfo.InvariantCulture)}"],
            new Dictionary<string, string>(),
            Patience);
        Assert.That(publish.ExitCode, Is.Zero, $"dotnet publish of the smoke tests failed: {publish}");
        return Path.Combine(output, "Catalog.Smoke.dll");
    }
}
