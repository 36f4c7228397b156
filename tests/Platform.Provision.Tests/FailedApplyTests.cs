using Platform.Core;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

/// <summary>
/// Which <c>--var</c> values an Apply that Terraform did not finish leaves remembered, with the real Terraform
/// on a tiny environment of <c>terraform_data</c> resources (no hosts, nothing downloaded, a few seconds).
/// </summary>
[Category("Integration")]
public sealed class FailedApplyTests
{
    private const string Config = """
        variable "environment" { type = string }
        variable "hosts" { default = 1 }
        # A resource whose creation fails part-way (its provisioner exits non-zero): Terraform keeps it, tainted.
        variable "breaks" { default = false }
        # A resource whose destruction fails before it is gone: Terraform keeps it as it was.
        variable "sticky" { default = false }
        # A resource that takes its time once the hosts are made (a marker file says it began): an apply to interrupt.
        variable "slow" { default = "" }

        resource "terraform_data" "host" {
          count = var.hosts
          input = "host-${count.index}"
        }

        resource "terraform_data" "breaker" {
          count      = var.breaks ? 1 : 0
          depends_on = [terraform_data.host]
          provisioner "local-exec" {
            command = "exit 3"
          }
        }

        resource "terraform_data" "sticky" {
          count = var.sticky ? 1 : 0
          provisioner "local-exec" {
            when    = destroy
            command = "exit 4"
          }
        }

        resource "terraform_data" "slow" {
          count      = var.slow != "" ? 1 : 0
          depends_on = [terraform_data.host]
          provisioner "local-exec" {
            command = "echo $$ > ${var.slow}.new && mv ${var.slow}.new ${var.slow} && exec sleep 60"
          }
        }

        # A secret the environment generates, as a cloud database's admin password: Apply stores it.
        output "secrets" {
          value     = { "db/admin-password" = "generated-${length(terraform_data.host)}-hosts" }
          sensitive = true
        }

        # Apply writes the inventory: one entry per host, never connected to.
        output "inventory" {
          value = {
            environment = var.environment
            serviceUrl  = "http://127.0.79.1:8080"
            hosts = [for i in range(var.hosts) : {
              name = "web-${i + 1}", roles = ["app"], address = "127.0.79.1", sshPort = 2222, sshUser = "nobody",
              hostKeyFingerprint = "SHA256:none", baseDir = "/nonexistent"
            }]
          }
          depends_on = [terraform_data.host]
        }
        """;

    private string _scratch = null!;
    private EnvironmentLayout _layout = null!;

    [SetUp]
    public void CreateEnvironment()
    {
        _scratch = RepositoryRoot.NewScratch("failed-apply");
        var infra = Path.Combine(_scratch, "infra", "tiny");
        Directory.CreateDirectory(infra);
        File.WriteAllText(Path.Combine(infra, "main.tf"), Config);
        File.WriteAllText(Path.Combine(infra, "platform.json"), """
            {
              "requires": ["terraform"],
              "secrets": { "backend": "local" },
              "terraformBackendConfig": {},
              "terraformVariables": { "environment": "${environment}" }
            }
            """);
        _layout = new EnvironmentLayout(_scratch, "tiny", Path.Combine(_scratch, "state"), Path.Combine(_scratch, "artifacts"));
    }

    [TearDown]
    public void RemoveScratch() => RepositoryRoot.RemoveScratch(_scratch);

    [Test]
    public async Task An_apply_that_failed_after_changing_resources_remembers_its_values_and_says_so()
    {
        await PlanAndApplyAsync("hosts=1");

        var error = await Assert.ThrowsAsync<PartiallyAppliedException>(() => PlanAndApplyAsync("hosts=2", "breaks=true"));

        Assert.That(error!.Message, Does.Contain("Terraform changed terraform_data.breaker[0], terraform_data.host[1] before it failed").And.Contain("remembered"));
        Assert.That(error.Changed, Is.EqualTo(new[] { "terraform_data.breaker[0]", "terraform_data.host[1]" }), "for the audit line");
        Assert.That(Inventory.Load(_layout.InventoryFile).Hosts.Select(h => h.Name), Is.EqualTo(new[] { "web-1", "web-2" }), "the host Terraform made before it failed is in the inventory");
        Assert.That(error.Message, Does.Contain("The inventory lists the hosts as Terraform left them."));
        Assert.That(Remembered(), Is.EqualTo(new[] { "hosts=2", "breaks=true" }), "the next Plan goes on towards web-2, not back to one host");
    }

    // The state file emptied (a full disk, a wrong backend) while the hosts run: applying would make them all again.
    [Test]
    public async Task A_plan_from_an_emptied_state_is_refused_while_the_inventory_lists_hosts()
    {
        await PlanAndApplyAsync("hosts=2");
        var state = Directory.GetFiles(_scratch, "terraform.tfstate", SearchOption.AllDirectories).Single();
        File.WriteAllText(state, string.Empty);

        var error = await Assert.ThrowsAsync<PlatformException>(() => PlanAndApplyAsync("hosts=2"));

        Assert.That(error!.Message, Does.Contain("Terraform's state holds no resource").And.Contain("web-1, web-2").And.Contain("terraform.tfstate.backup").And.Contain("made against another, empty state").And.Contain("Nothing was changed"));
        Assert.That(File.ReadAllText(state), Is.Empty, "nothing applied");

        // Truncated with the state (a full disk): it may have listed hosts that run, so still refused.
        File.WriteAllText(_layout.InventoryFile, string.Empty);
        var damaged = await Assert.ThrowsAsync<PlatformException>(() => PlanAndApplyAsync("hosts=2"));
        Assert.That(damaged!.Message, Does.Contain("exists but cannot be read, so it may list hosts that run"));

        // Hosts really gone: without the inventory, the environment is made anew.
        File.Delete(_layout.InventoryFile);
        await PlanAndApplyAsync("hosts=2");
        Assert.That(Inventory.Load(_layout.InventoryFile).Hosts, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task An_apply_that_failed_before_changing_anything_remembers_nothing_new()
    {
        await PlanAndApplyAsync("sticky=true");

        // The plan's only change fails: Terraform leaves the state as it was.
        var error = await Assert.ThrowsAsync<CommandFailedException>(() => PlanAndApplyAsync("sticky=false"));

        Assert.That(error!.Message, Does.Not.Contain("remembered"));
        Assert.That(Remembered(), Is.EqualTo(new[] { "sticky=true" }), "sticky=false was never applied");
    }

    // Ctrl+C reaches Terraform too (the terminal signals the process group): it stops, and the run records what it made.
    [Test]
    public async Task An_apply_interrupted_with_terraform_records_what_terraform_made_before_it_stopped()
    {
        await PlanAndApplyAsync("hosts=1");
        var began = Path.Combine(_scratch, "slow-began");
        using var interrupt = new CancellationTokenSource();
        var run = Run(interrupt.Token, "hosts=2", $"slow={began}");
        await new PlanStep(run).RunAsync();

        var applying = new ApplyStep(run).RunAsync();
        ApplyInterruptedException? stopped;
        try
        {
            await Poll.UntilAsync(() => Task.FromResult(File.Exists(began)), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50), "the slow resource never began");
            await interrupt.CancelAsync();
            SignalTerraform("INT");
            stopped = await Assert.ThrowsAsync<ApplyInterruptedException>(() => applying);
        }
        finally
        {
            // When the test failed before the interruption, Terraform is still applying: stop it before the scratch folder goes.
            if (!applying.IsCompleted)
            {
                await interrupt.CancelAsync();
                SignalTerraform("INT");
                await Task.WhenAny(applying, Task.Delay(TimeSpan.FromSeconds(30)));
            }

            // Terraform leaves its provisioner's process running when it stops: the one it started (its pid in the marker) goes.
            if (File.Exists(began))
            {
                try
                {
                    using var sleeping = System.Diagnostics.Process.GetProcessById(int.Parse(File.ReadAllText(began).Trim(), System.Globalization.CultureInfo.InvariantCulture));
                    sleeping.Kill();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
        }

        Assert.That(stopped!.Changed, Does.Contain("terraform_data.host[1]"), "for the audit line's changed=");
        Assert.That(stopped.Message, Does.Contain("Interrupted while Terraform applied the plan: it changed").And.Contain("The inventory lists the hosts as Terraform left them."));
        Assert.That(Inventory.Load(_layout.InventoryFile).Hosts.Select(h => h.Name), Is.EqualTo(new[] { "web-1", "web-2" }), "the host Terraform made is listed for the next run's lock and Destroy");
        Assert.That(Remembered(), Does.Contain("hosts=2"));
        Assert.That(await new Platform.Secrets.FileSecretStore(_layout.SecretsDir).GetAsync("db/admin-password"), Is.EqualTo("generated-2-hosts"), "what Terraform generated is kept");
    }

    // The lock and the drain before Terraform take their time: a Plan another run makes meanwhile changes nothing applied.
    [Test]
    public async Task A_plan_written_over_while_apply_takes_the_lock_is_not_what_gets_applied()
    {
        await PlanAndApplyAsync("hosts=1");
        var deploy = Run("hosts=2");
        await new PlanStep(deploy).RunAsync();

        await new ApplyStep(deploy, async (_, _) => await new PlanStep(Run("hosts=3")).RunAsync()).RunAsync();

        Assert.That(Inventory.Load(_layout.InventoryFile).Hosts, Has.Count.EqualTo(2), "this run's plan, as its Plan wrote it");
        Assert.That(Remembered(), Is.EqualTo(new[] { "hosts=2" }));
    }

    // A second Destroy, or one with a fresh --state-dir, finds nothing: said, and nothing is written or destroyed.
    [Test]
    public async Task A_destroy_with_nothing_in_the_state_says_so_and_changes_nothing()
    {
        await PlanAndApplyAsync("hosts=1");
        RunContext Confirmed(IReporter reporter) => new(_layout, RunArguments.From(new Dictionary<string, string> { ["confirm"] = "tiny" }), checkMode: false, reporter);
        var first = new RecordingReporter();
        await new DestroyStep(Confirmed(first)).RunAsync();
        var again = new RecordingReporter();

        await new DestroyStep(Confirmed(again)).RunAsync();

        Assert.That(first.Text, Does.Contain("Environment 'tiny' destroyed."));
        Assert.That(again.Text, Does.Contain("Environment 'tiny' has no resources in its Terraform state: nothing to destroy.").And.Not.Contain("destroyed."));
    }

    // Deploy's Plan and Apply share the environment's plan file with every other run in the checkout.
    [Test]
    public async Task A_plan_another_run_wrote_over_this_runs_plan_is_not_applied()
    {
        await PlanAndApplyAsync("hosts=1");
        var deploy = Run("hosts=1");
        await new PlanStep(deploy).RunAsync();

        await new PlanStep(Run("hosts=3")).RunAsync();
        var error = await Assert.ThrowsAsync<PlatformException>(() => new ApplyStep(deploy).RunAsync());

        Assert.That(error!.Message, Does.Contain("plan.tfplan was written over after this run's Plan wrote it").And.Contain("nothing was applied"));
        Assert.That(Inventory.Load(_layout.InventoryFile).Hosts, Has.Count.EqualTo(1));
        Assert.That(Remembered(), Is.EqualTo(new[] { "hosts=1" }));
    }

    [Test]
    public async Task A_plan_written_while_an_apply_run_went_on_is_not_applied_but_one_from_before_it_is()
    {
        await PlanAndApplyAsync("hosts=1");
        var lateApply = Run();
        await Task.Delay(20); // the Plan below comes after lateApply began, on the files' coarser clock too
        await new PlanStep(Run("hosts=3")).RunAsync();

        var refused = await Assert.ThrowsAsync<PlatformException>(() => new ApplyStep(lateApply).RunAsync());
        await new ApplyStep(Run()).RunAsync();

        Assert.That(refused!.Message, Does.Contain("was written while this run went on, not by it"));
        Assert.That(Inventory.Load(_layout.InventoryFile).Hosts, Has.Count.EqualTo(3), "an Apply begun after the Plan applies it: the plan under review");
    }

    private RunContext Run(params string[] vars) => Run(CancellationToken.None, vars);

    private RunContext Run(CancellationToken cancellation, params string[] vars) => new(_layout, new RunArguments(name => name switch
    {
        "var" => vars,
        DestructionGuard.AllowArgument => ["true"],
        _ => [],
    }), checkMode: false, new RecordingReporter(), cancellation);

    // The terraform of this test's environment only (its working folder is the scratch's infra folder).
    private void SignalTerraform(string signal)
    {
        foreach (var dir in Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsAsciiDigit)))
        {
            try
            {
                if (File.ReadAllText($"/proc/{dir}/comm").Trim() == "terraform" && File.ResolveLinkTarget($"/proc/{dir}/cwd", false)?.FullName.StartsWith(_scratch, StringComparison.Ordinal) == true)
                {
                    ProcessSignal.Send(signal, dir!);
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
    }

    private string[] Remembered() =>
        System.Text.Json.JsonSerializer.Deserialize<string[]>(File.ReadAllText(RememberedVariables.FileOf(_layout)))!;

    private async Task PlanAndApplyAsync(params string[] vars)
    {
        var run = Run(vars);
        await new PlanStep(run).RunAsync();
        await new ApplyStep(run).RunAsync();
    }
}
