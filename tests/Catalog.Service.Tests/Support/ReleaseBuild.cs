using System.Diagnostics;
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
        CopyProject(ServiceBuild.ProjectDirectory, project);
        var output = Path.Combine(scratch, "publish");

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = scratch,
        };
        foreach (var argument in new[] { "publish", Path.Combine(project, "Catalog.Service.csproj"), "-c", "Release", "-o", output, "-nodeReuse:false", "-p:UseSharedCompilation=false" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in properties)
        {
            start.ArgumentList.Add($"-p:{name}={value}");
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"dotnet publish failed:\n{await stdout}\n{await stderr}");
        return output;
    }

    private static void CopyProject(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
