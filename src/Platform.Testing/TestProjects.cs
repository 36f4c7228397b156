using System.Xml.Linq;
using Platform.Core;

namespace Platform.Testing;

/// <summary>The test projects of the repository: every project under tests/ that is a test project.</summary>
public static class TestProjects
{
    public static IReadOnlyList<string> Find(string repoRoot, string? only = null)
    {
        var all = Directory.GetFiles(Path.Combine(repoRoot, "tests"), "*.csproj", SearchOption.AllDirectories)
            .Where(IsTestProject)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (string.IsNullOrWhiteSpace(only))
        {
            return all;
        }

        var wanted = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = wanted.Where(w => all.All(p => Path.GetFileNameWithoutExtension(p) != w)).ToList();
        if (unknown.Count > 0)
        {
            throw new PlatformException($"--test-projects names unknown projects: {string.Join(", ", unknown)}. Known: {string.Join(", ", all.Select(Path.GetFileNameWithoutExtension))}.");
        }

        return all.Where(p => wanted.Contains(Path.GetFileNameWithoutExtension(p))).ToList();
    }

    // tests/Directory.Build.props makes everything a test project unless it says IsTestProject=false.
    // Smoke test projects (IsSmokeTestProject=true) run against a live environment: Verify and
    // CheckCompatibility run them, and integration tests run them against real deployments.
    private static bool IsTestProject(string csproj)
    {
        var doc = XDocument.Load(csproj);
        bool Says(string property, string value) => doc.Descendants(property).Any(e => e.Value.Trim().Equals(value, StringComparison.OrdinalIgnoreCase));
        return !Says("IsTestProject", "false") && !Says("IsSmokeTestProject", "true");
    }
}
