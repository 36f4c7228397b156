using System.Text.RegularExpressions;
using Platform.Core;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

/// <summary>
/// Static checks of the Terraform code that cannot be applied here (no provider can be
/// downloaded): everything is formatted, and the DigitalOcean inventory has the local shape.
/// </summary>
public sealed partial class InfrastructureCodeTests
{
    private static string Infra(params string[] parts) => Path.Combine([RepositoryRoot.Path, "infra", .. parts]);

    [Test]
    [Category("Integration")] // runs the real terraform
    public async Task Every_environment_passes_terraform_fmt_check()
    {
        var result = await new CommandRunner(new RecordingReporter(), new SecretRedactor())
            .RunAsync("terraform", ["fmt", "-check", "-recursive", "-no-color", Infra()], new CommandOptions { AllowFailure = true, Environment = TerraformRunner.QuietEnvironment() });

        Assert.That(result.ExitCode, Is.Zero, "unformatted: " + result.StandardOutput);
    }

    [Test]
    public void The_digitalocean_inventory_has_every_field_of_the_local_one()
    {
        var local = Keys(File.ReadAllText(Infra("local", "outputs.tf")));
        var cloud = Keys(File.ReadAllText(Infra("digitalocean", "outputs.tf")));

        Assert.That(local, Does.Contain("sshPort").And.Contain("address"), "the key pattern finds the local outputs' fields");
        Assert.That(local.Except(["hostKeyFile", "adminPasswordFile"]), Is.SubsetOf(cloud.Append("hostKeyFingerprint").Append("adminPasswordSecret")));
        Assert.That(cloud, Does.Contain("hostKeyFingerprint"), "fingerprints are read back from generated host keys");
    }

    [Test]
    public void Every_environment_has_valid_platform_settings()
    {
        var dirs = Directory.GetDirectories(Infra()).Where(d => File.Exists(Path.Combine(d, "platform.json"))).ToList();
        Assert.That(dirs.Select(Path.GetFileName), Is.EquivalentTo(new[] { "local", "local-pg", "digitalocean" }));
        foreach (var dir in dirs)
        {
            var settings = EnvironmentSettings.Load(new EnvironmentLayout(RepositoryRoot.Path, Path.GetFileName(dir)));
            Assert.That(settings.TerraformVariables, Does.ContainKey("ssh_public_keys"), dir);
        }
    }

    [Test]
    public void Only_the_local_environments_are_disposable()
    {
        string? Disposable(string env) => EnvironmentSettings.Load(new EnvironmentLayout(RepositoryRoot.Path, env)).Get("disposable");

        Assert.That(Disposable("local"), Is.EqualTo("true"));
        Assert.That(Disposable("local-pg"), Is.EqualTo("true"));
        Assert.That(Disposable("digitalocean"), Is.Null);
    }

    private static HashSet<string> Keys(string hcl) =>
        KeyPattern().Matches(hcl).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^\s+([a-zA-Z]+)\s+=", RegexOptions.Multiline)]
    private static partial Regex KeyPattern();
}
