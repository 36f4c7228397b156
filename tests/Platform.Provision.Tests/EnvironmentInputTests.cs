using System.Text.Json.Nodes;
using Platform.Core;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

/// <summary>Bad environment names, settings files, variables and arguments fail clearly and early.</summary>
public sealed class EnvironmentInputTests
{
    [Test]
    public void Unknown_environment_folder_lists_the_known_environments()
    {
        var layout = new EnvironmentLayout(RepositoryRoot.Path, "staging");

        var error = Assert.Throws<PlatformException>(layout.RequireInfraDir);

        Assert.That(error!.Message, Does.Contain("'staging'").And.Contain("local").And.Contain("--environment="));
    }

    [TestCase("../etc")]
    [TestCase("Local")]
    [TestCase("")]
    public void Invalid_environment_names_are_refused(string name)
    {
        var error = Assert.Throws<PlatformException>(() => new EnvironmentLayout(RepositoryRoot.Path, name));

        Assert.That(error!.Message, Does.Contain("--environment="));
    }

    [Test]
    public void Malformed_settings_name_the_file_and_line()
    {
        var error = Assert.Throws<PlatformException>(() => EnvironmentSettings.Parse("{\n  \"secrets\": {,\n}", "infra/x/platform.json"));

        Assert.That(error!.Message, Does.Contain("infra/x/platform.json").And.Contain("line 2"));
    }

    [Test]
    public void Replaceable_must_be_a_list_of_addresses()
    {
        var error = Assert.Throws<PlatformException>(() => EnvironmentSettings.Parse("""{"replaceable":"terraform_data.haproxy_backends"}""", "p.json"));

        Assert.That(error!.Message, Does.Contain("p.json: 'replaceable' must be a list"));
        Assert.That(EnvironmentSettings.Parse("""{"replaceable":["a.b"]}""", "p.json").Replaceable, Is.EqualTo(new[] { "a.b" }));
    }

    [Test]
    public void StartStopped_must_name_a_script()
    {
        var error = Assert.Throws<PlatformException>(() => EnvironmentSettings.Parse("""{"startStopped":["scripts/a.sh"]}""", "p.json"));

        Assert.That(error!.Message, Does.Contain("p.json: 'startStopped' must be the path of a script"));
        Assert.That(EnvironmentSettings.Parse("""{"startStopped":"scripts/a.sh"}""", "p.json").StartStopped, Is.EqualTo("scripts/a.sh"));
        Assert.That(EnvironmentSettings.Parse("{}", "p.json").StartStopped, Is.Null, "cloud hosts restart their services themselves");
    }

    [Test]
    public void Unknown_secrets_backend_is_refused()
    {
        var error = Assert.Throws<PlatformException>(() => EnvironmentSettings.Parse("""{"secrets":{"backend":"s3"}}""", "p.json"));

        Assert.That(error!.Message, Does.Contain("secrets.backend").And.Contain("\"s3\""));
    }

    [Test]
    public void The_local_environment_settings_are_valid()
    {
        var settings = EnvironmentSettings.Load(new EnvironmentLayout(RepositoryRoot.Path, "local"));

        Assert.That(settings.SecretsBackend, Is.EqualTo("local"));
        Assert.That(settings.Requires, Does.Contain("terraform").And.Contain("sshd").And.Contain("haproxy").And.Contain("postgresql"));
    }

    [Test]
    public void Placeholders_fill_strings_and_whole_lists()
    {
        var templates = new Dictionary<string, JsonNode?>
        {
            ["state_dir"] = JsonValue.Create("${stateDir}/x"),
            ["keys"] = JsonValue.Create("${circlePublicKeys}"),
            ["count"] = JsonValue.Create(3),
        };
        var placeholders = new Dictionary<string, JsonNode>
        {
            ["stateDir"] = JsonValue.Create("/s")!,
            ["circlePublicKeys"] = new JsonArray(JsonValue.Create("ssh-ed25519 AAAA a"), JsonValue.Create("ssh-ed25519 BBBB b")),
        };

        var variables = TerraformVariables.Resolve(templates, "p.json", placeholders, ["app_nodes=4"]);

        Assert.That(variables.Values["state_dir"]!.GetValue<string>(), Is.EqualTo("/s/x"));
        Assert.That(variables.Values["keys"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(variables.Values["count"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(variables.Overrides, Is.EqualTo(new[] { ("app_nodes", "4") }));
    }

    [Test]
    public void Unknown_placeholder_is_named()
    {
        var templates = new Dictionary<string, JsonNode?> { ["x"] = JsonValue.Create("${nope}") };

        var error = Assert.Throws<PlatformException>(() => TerraformVariables.Resolve(templates, "p.json", new Dictionary<string, JsonNode>(), []));

        Assert.That(error!.Message, Does.Contain("p.json.x").And.Contain("nope"));
    }

    [Test]
    public void Variable_override_without_a_value_is_refused()
    {
        var error = Assert.Throws<PlatformException>(() => TerraformVariables.Resolve(new Dictionary<string, JsonNode?>(), "p", new Dictionary<string, JsonNode>(), ["app_nodes"]));

        Assert.That(error!.Message, Does.Contain("--var=app_nodes").And.Contain("name=value"));
    }

    // What Platform fills in (a placeholder) is its own; a plain value is the environment's default, the user's to override.
    [Test]
    public void A_variable_platform_fills_in_is_refused_and_an_environment_default_may_be_overridden()
    {
        var templates = new Dictionary<string, JsonNode?> { ["state_dir"] = JsonValue.Create("${stateDir}"), ["address_prefix"] = JsonValue.Create("127.0.11.") };

        var refused = Assert.Throws<PlatformException>(() => TerraformVariables.ParseOverrides(["state_dir=/tmp/elsewhere"], templates, "p.json: terraformVariables"));
        var taken = TerraformVariables.ParseOverrides(["address_prefix=127.0.99."], templates, "p.json: terraformVariables");

        Assert.That(refused!.Message, Is.EqualTo("--var=state_dir=… cannot be given: Platform passes state_dir to Terraform itself (p.json: terraformVariables). Leave it out."));
        Assert.That(taken, Is.EqualTo(new[] { ("address_prefix", "127.0.99.") }));
    }

    [Test]
    public async Task Missing_tools_are_all_named_with_their_install_command()
    {
        var reporter = new RecordingReporter();
        var preconditions = new Preconditions(new CommandRunner(reporter, new SecretRedactor()), _ => null);

        var error = await Assert.ThrowsAsync<PlatformException>(() => preconditions.CheckAsync(["terraform", "sshd", "haproxy", "postgresql"]));

        Assert.That(error!.Message, Does.Contain("/usr/sbin/sshd").And.Contain("apt-get install -y openssh-server"));
        Assert.That(error.Message, Does.Contain("haproxy").And.Contain("apt-get install -y haproxy"));
        Assert.That(error.Message, Does.Contain("initdb, pg_ctl, postgres"));
        Assert.That(error.Message, Does.Contain("Terraform >= 1.5"));
        Assert.That(error.Message, Does.Contain("nothing was changed"));
    }

    [Test]
    [Category("Integration")] // runs the real terraform
    public async Task The_installed_terraform_passes_the_version_check()
    {
        var preconditions = new Preconditions(new CommandRunner(new RecordingReporter(), new SecretRedactor()));

        await preconditions.CheckAsync(["terraform"]);
    }

    [TestCase("{\"terraform_version\":\"1.4.6\"}", "1.4.6")]
    [TestCase("{\"terraform_version\":\"1.11.4\"}", "1.11.4")]
    [TestCase("{\"terraform_version\":\"1.12.0-beta1\"}", "1.12.0")]
    public void Terraform_version_is_read_from_its_json(string json, string expected) =>
        Assert.That(Preconditions.ParseTerraformVersion(json), Is.EqualTo(Version.Parse(expected)));

    [Test]
    public async Task Destroying_a_non_local_environment_needs_confirmation_and_touches_nothing()
    {
        using var scratch = ScratchFolder.Create("destroy-confirm");
        var state = Path.Combine(scratch.Path, "state");
        var artifacts = Path.Combine(scratch.Path, "artifacts");
        var arguments = new Dictionary<string, string> { ["environment"] = "digitalocean", ["state-dir"] = state, ["artifacts-dir"] = artifacts };
        var run = RunContext.FromArguments(RepositoryRoot.Path, RunArguments.From(arguments), false, new RecordingReporter());

        var error = await Assert.ThrowsAsync<PlatformException>(() => new DestroyStep(run).RunAsync());

        Assert.That(error!.Message, Does.Contain("--confirm=digitalocean").And.Contain("Nothing was changed"));
        Assert.That(Directory.Exists(state) || Directory.Exists(artifacts), Is.False, "no state (no terraform init) and no audit line for a refused run");
    }

    [Test]
    public async Task A_secret_the_environment_lacks_refuses_plan_before_anything_is_created()
    {
        using var scratch = ScratchFolder.Reserve("missing-secret");
        var state = scratch.Path;
        var connection = Environment.GetEnvironmentVariable("PG_CONN_STR");
        try
        {
            var run = RunContext.FromArguments(RepositoryRoot.Path, RunArguments.From(new Dictionary<string, string> { ["environment"] = "local-pg", ["state-dir"] = state }), false, new RecordingReporter());
            Environment.SetEnvironmentVariable("PG_CONN_STR", null);

            var error = await Assert.ThrowsAsync<PlatformException>(() => new PlanStep(run).RunAsync());

            Assert.That(error!.Message, Does.Contain("needs the secret 'terraform/pg-conn-str'").And.Contain("--target=StoreSecret --environment=local-pg --secret=terraform/pg-conn-str"));
            Assert.That(Directory.Exists(state), Is.False, "no state folder (deploy identity, terraform init) for a run that is refused");
        }
        finally
        {
            Environment.SetEnvironmentVariable("PG_CONN_STR", connection);
        }
    }

    [TestCase("local", TestName = "A --confirm naming another environment is refused even where none is needed")]
    [TestCase("digitalocean", TestName = "A --confirm naming another environment is refused")]
    public async Task A_confirm_naming_another_environment_is_refused(string environment)
    {
        var run = RunContext.FromArguments(RepositoryRoot.Path, RunArguments.From(new Dictionary<string, string> { ["environment"] = environment, ["confirm"] = "staging", ["state-dir"] = "/nonexistent/state" }), false, new RecordingReporter());

        var error = await Assert.ThrowsAsync<PlatformException>(() => new DestroyStep(run).RunAsync());

        Assert.That(error!.Message, Does.StartWith($"--confirm=staging does not name the environment being destroyed, '{environment}'").And.Contain("Nothing was changed"));
    }

    [Test]
    public async Task Apply_without_a_saved_plan_says_to_plan_first()
    {
        var run = RunContext.FromArguments(RepositoryRoot.Path, RunArguments.From(new Dictionary<string, string> { ["plan"] = "/nonexistent/x.tfplan" }), false, new RecordingReporter());

        var error = await Assert.ThrowsAsync<PlatformException>(() => new ApplyStep(run).RunAsync());

        Assert.That(error!.Message, Does.Contain("/nonexistent/x.tfplan").And.Contain("--target=Plan"));
    }
}
