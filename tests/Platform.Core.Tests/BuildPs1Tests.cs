using System.Diagnostics;
using System.Text.Json;
using Platform.TestSupport;

namespace Platform.Core.Tests;

/// <summary>
/// build.ps1 run by real PowerShell (the <c>powershell</c> .NET tool of tests/tools/dotnet-tools.json, restored here),
/// held to what build.sh promises. PowerShell runs from its package folder with the dotnet that runs the tests, so
/// that the stand-in dotnet first on PATH is the one build.ps1 finds.
/// </summary>
[Category("Integration")] // restores PowerShell from the package registry
public sealed class BuildPs1Tests : BootstrapScriptContract
{
    private static string _pwsh = null!;

    protected override string Script => "build.ps1";

    [OneTimeSetUp]
    public static async Task RestorePowerShell()
    {
        var manifest = Path.Combine(RepositoryRoot.Path, "tests", "tools", "dotnet-tools.json");
        var none = new Dictionary<string, string>();
        var restore = await DotnetProcess.RunAsync(RepositoryRoot.Path, ["tool", "restore", "--tool-manifest", manifest], none, TimeSpan.FromMinutes(5));
        Assert.That(restore.ExitCode, Is.Zero, $"dotnet tool restore --tool-manifest {manifest}: {restore}");

        using var tools = JsonDocument.Parse(File.ReadAllText(manifest));
        var version = tools.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
        // "global-packages: /root/.nuget/packages/"
        var locals = await DotnetProcess.RunAsync(RepositoryRoot.Path, ["nuget", "locals", "global-packages", "--list"], none, TimeSpan.FromMinutes(1));
        var packages = locals.Stdout.Trim()["global-packages:".Length..].Trim();
        var package = Path.Combine(packages, "powershell", version, "tools");
        _pwsh = Directory.EnumerateFiles(package, "pwsh.dll", SearchOption.AllDirectories).Single(path => path.Contains($"{Path.DirectorySeparatorChar}unix{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    protected override ProcessStartInfo Command(string script, string[] arguments, bool ignoringSigint)
    {
        var start = new ProcessStartInfo(DotnetProcess.DotnetHost(), [_pwsh, "-NoProfile", "-NonInteractive", "-File", script, .. arguments]);
        start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        start.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        return start;
    }
}
