using System.Text.Json;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// Checks, before anything runs, that the tools an environment needs are on this machine
/// (the environment's platform.json lists them under "requires"). Everything missing is
/// reported at once, each with the command that installs it; nothing is touched.
/// </summary>
public sealed class Preconditions(CommandRunner commands, Func<string, string?>? findTool = null)
{
    private readonly Func<string, string?> _find = findTool ?? ToolLocator.Find;

    public static readonly Version MinimumTerraform = new(1, 5);

    /// <summary>Known requirements: what to look for, and how to install it on Debian/Ubuntu.</summary>
    private static readonly Dictionary<string, (string[] Programs, string Install)> Known = new(StringComparer.Ordinal)
    {
        ["terraform"] = (["terraform"], "install Terraform >= 1.5: https://developer.hashicorp.com/terraform/install"),
        ["sshd"] = (["/usr/sbin/sshd"], "sudo apt-get install -y openssh-server"),
        ["haproxy"] = (["haproxy"], "sudo apt-get install -y haproxy"),
        ["postgresql"] = (["initdb", "pg_ctl", "postgres"], "sudo apt-get install -y postgresql-15 (server binaries: initdb, pg_ctl, postgres)"),
        ["ssh-keygen"] = (["ssh-keygen"], "sudo apt-get install -y openssh-client"),
        ["zstd"] = (["zstd"], "sudo apt-get install -y zstd (releases are packed and unpacked with it)"),
    };

    public async Task CheckAsync(IEnumerable<string> requirements, CancellationToken cancellation = default)
    {
        var problems = new List<string>();
        foreach (var requirement in requirements.Distinct())
        {
            if (!Known.TryGetValue(requirement, out var known))
            {
                throw new PlatformException($"platform.json requires '{requirement}', which Platform does not know. Known: {string.Join(", ", Known.Keys)}.");
            }

            var missing = known.Programs.Where(p => _find(p) is null).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"{string.Join(", ", missing)} not found: {known.Install}");
            }
            else if (requirement == "terraform" && await TerraformVersionProblemAsync(cancellation) is { } problem)
            {
                problems.Add(problem);
            }
        }

        if (problems.Count > 0)
        {
            throw new PlatformException(
                "Missing prerequisites (nothing was changed):" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }
    }

    private async Task<string?> TerraformVersionProblemAsync(CancellationToken cancellation)
    {
        var result = await commands.RunAsync("terraform", ["version", "-json"], new CommandOptions { AllowFailure = true, Environment = TerraformRunner.QuietEnvironment() }, cancellation);
        var version = ParseTerraformVersion(result.StandardOutput);
        if (version is null)
        {
            return $"terraform version could not be read (exit {result.ExitCode}); install Terraform >= {MinimumTerraform}.";
        }

        return version < MinimumTerraform ? $"terraform {version} is too old: install Terraform >= {MinimumTerraform}." : null;
    }

    internal static Version? ParseTerraformVersion(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var text = doc.RootElement.GetProperty("terraform_version").GetString() ?? string.Empty;
            return Version.TryParse(text.Split('-')[0], out var v) ? v : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
