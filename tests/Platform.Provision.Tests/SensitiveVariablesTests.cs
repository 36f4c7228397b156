using System.Text.Json.Nodes;
using Platform.Core;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

/// <summary>A variable the configuration declares sensitive never comes as --var (it would be printed and kept in files).</summary>
public sealed class SensitiveVariablesTests
{
    [Test]
    public void Only_variables_whose_own_attribute_says_sensitive_true_are_found()
    {
        const string Hcl = """
            # variable "commented" { sensitive = true }
            variable "db_password" {
              type      = string
              sensitive = true
            }
            variable "app_nodes" {
              type        = number
              description = "not sensitive = true, only a description with { braces"
              validation {
                condition     = var.app_nodes > 0 // sensitive = true
                error_message = "}"
              }
            }
            /* variable "blocked" {
                 sensitive = true
               } */
            variable "api_token" { sensitive = true }
            variable "flag" {
              sensitive = false
            }
            """;

        Assert.That(SensitiveVariables.InHcl(Hcl), Is.EqualTo(new[] { "db_password", "api_token" }));
    }

    // What a reader that only counts braces and quotes gets wrong: heredocs, labels without quotes, "true" as a
    // string (Terraform converts it), strings nested in an interpolation.
    [Test]
    public void Heredocs_bare_labels_quoted_true_and_nested_template_strings_are_read_as_terraform_reads_them()
    {
        const string Hcl = """
            variable "described" {
              description = <<EOT
            A brace } here, an opening { there, and cp /tmp/* /opt
            EOT
              sensitive = true
            }
            variable "user_data" {
              default = <<-EOT
                variable "app_nodes" { sensitive = true }
                EOT
            }
            variable bare_label {
              sensitive = "true"
            }
            variable "templated" {
              default   = "${replace(var.x, "}", "")}"
              sensitive = true
            }
            variable "app_nodes" {
              type = object({ count = number, tags = map(string) })
              default = { count = 3, tags = { sensitive = "true" } }
            }
            variable "escaped" {
              description = "write $${ or %%{ to escape them"
            }
            variable "pässwörd" { sensitive = true }
            """;
        string[] expected = ["described", "bare_label", "templated", "pässwörd"];

        Assert.That(SensitiveVariables.InHcl(Hcl.ReplaceLineEndings("\n")), Is.EqualTo(expected));
        Assert.That(SensitiveVariables.InHcl(Hcl.ReplaceLineEndings("\r\n")), Is.EqualTo(expected), "CRLF");
    }

    [Test]
    public void Files_terraform_skips_are_skipped_too_and_one_that_cannot_be_read_is_named()
    {
        using var scratch = ScratchFolder.Create("sensitive-skipped");
        File.WriteAllText(Path.Combine(scratch.Path, "#variables.tf#"), "variable \"a\" { sensitive = true }");
        File.WriteAllText(Path.Combine(scratch.Path, "#read.tf"), "variable \"c\" { sensitive = true }"); // only #…# is an editor's
        File.WriteAllText(Path.Combine(scratch.Path, "variables.tf~"), "variable \"b\" { sensitive = true }");
        File.CreateSymbolicLink(Path.Combine(scratch.Path, ".#variables.tf"), "root@host.1234:1700000000"); // an editor's lock: dangling

        Assert.That(SensitiveVariables.In(scratch.Path).Keys, Is.EqualTo(new[] { "c" }));

        File.CreateSymbolicLink(Path.Combine(scratch.Path, "gone.tf"), Path.Combine(scratch.Path, "nowhere.tf"));
        var error = Assert.Throws<PlatformException>(() => SensitiveVariables.In(scratch.Path));
        Assert.That(error!.Message, Does.Contain("gone.tf cannot be read").And.Contain("Nothing was changed"));
    }

    [Test]
    public void Both_syntaxes_are_read_from_the_environment_folder_and_each_name_keeps_its_file()
    {
        using var scratch = ScratchFolder.Create("sensitive");
        File.WriteAllText(Path.Combine(scratch.Path, "variables.tf"), "variable \"db_password\" {\n  sensitive = true\n}\n");
        File.WriteAllText(Path.Combine(scratch.Path, "extra.tf.json"), """{ "variable": { "token": { "sensitive": true }, "key": { "sensitive": "true" }, "size": { "default": 1 } } }""");
        // Arrays at both levels and a repeated key, as Terraform's JSON syntax allows.
        File.WriteAllText(Path.Combine(scratch.Path, "more.tf.json"), """{ "variable": [ { "listed": [ { "sensitive": true } ] } ], "variable": { "again": { "sensitive": true } } }""");
        File.WriteAllText(Path.Combine(scratch.Path, "notes.txt"), "variable \"ignored\" { sensitive = true }");

        var found = SensitiveVariables.In(scratch.Path);

        Assert.That(found.Keys, Is.EquivalentTo(new[] { "db_password", "token", "key", "listed", "again" }));
        Assert.That(found["token"], Is.EqualTo(Path.Combine(scratch.Path, "extra.tf.json")));
    }

    [Test]
    public void The_shipped_environments_declare_none_so_every_documented_var_stays_allowed()
    {
        foreach (var environment in new[] { "local", "local-pg", "digitalocean" })
        {
            Assert.That(SensitiveVariables.In(Path.Combine(RepositoryRoot.Path, "infra", environment)), Is.Empty, environment);
        }
    }

    [Test]
    public void A_sensitive_variable_given_as_var_is_refused_without_repeating_its_value()
    {
        var sensitive = new Dictionary<string, string> { ["db_password"] = "infra/x/variables.tf" };

        var error = Assert.Throws<PlatformException>(() => TerraformVariables.ParseOverrides(["app_nodes=4", "db_password=hunter2-secret"], new Dictionary<string, JsonNode?>(), "p.json: terraformVariables", sensitive));

        Assert.That(error!.Message, Does.Contain("--var=db_password=… cannot be given: infra/x/variables.tf declares db_password sensitive")
            .And.Contain("\"TF_VAR_db_password\": \"secret:KEY\"").And.Contain("--target=StoreSecret"));
        Assert.That(error.Message, Does.Not.Contain("hunter2"));
    }

    // platform.json feeds it from the secrets store: a secret, whether or not the configuration declares it so.
    [Test]
    public void A_variable_platform_json_takes_from_the_secrets_store_is_refused_as_var_too()
    {
        using var scratch = ScratchFolder.Create("sensitive-store-fed");
        var settingsFile = Path.Combine(scratch.Path, "cloud", "platform.json");
        var settings = EnvironmentSettings.Parse("""{ "terraformEnvironment": { "TF_VAR_db_password": "secret:db/password", "TF_VAR_region": "ams3", "PG_CONN_STR": "secret:tf/pg" } }""", settingsFile);

        var sensitive = SensitiveVariables.Of(scratch.Path, settings);
        var error = Assert.Throws<PlatformException>(() => TerraformVariables.ParseOverrides(["db_password=hunter2-secret"], new Dictionary<string, JsonNode?>(), "p.json: terraformVariables", sensitive));

        Assert.That(sensitive.Keys, Is.EqualTo(new[] { "db_password" }), "a plain value and a variable that is not Terraform's are no store-fed variable");
        Assert.That(error!.Message, Does.Contain($"--var=db_password=… cannot be given: {settingsFile} takes db_password from the secrets store")
            .And.Contain("--target=StoreSecret --environment=cloud").And.Not.Contain("hunter2"));
    }

    [Test]
    public void A_remembered_value_of_a_variable_declared_sensitive_since_refuses_the_run_and_is_not_printed()
    {
        using var scratch = ScratchFolder.Create("sensitive-remembered");
        var layout = new EnvironmentLayout(scratch.Path, "local", Path.Combine(scratch.Path, "state"), Path.Combine(scratch.Path, "artifacts"));
        Directory.CreateDirectory(layout.StateDir);
        File.WriteAllText(RememberedVariables.FileOf(layout), """["app_nodes=4","db_password=hunter2-secret"]""");
        var reporter = new RecordingReporter();

        var error = Assert.Throws<PlatformException>(() => RememberedVariables.Merge(layout, [], reporter, null, new Dictionary<string, string> { ["db_password"] = "variables.tf" }));

        Assert.That(error!.Message, Does.Contain("keeps a --var value for db_password, which variables.tf now declares sensitive").And.Contain("remove it from"));
        Assert.That(error.Message + reporter.Text, Does.Not.Contain("hunter2"));
        Assert.That(File.ReadAllText(RememberedVariables.FileOf(layout)), Does.Contain("hunter2-secret"), "nothing changed");
    }
}
