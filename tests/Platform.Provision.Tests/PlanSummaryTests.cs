using Platform.Core;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

/// <summary>
/// Plan summaries parsed from JSON that the real terraform binary produces, for each kind of
/// change: create, update (input), replace (triggers_replace), delete and no-op.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("Integration")]
public sealed class PlanSummaryTests
{
    private string _scratch = null!;
    private TerraformRunner _terraform = null!;
    private string _plan = null!;

    [OneTimeSetUp]
    public async Task CreateConfiguration()
    {
        _scratch = RepositoryRoot.NewScratch("plansummary");
        var infra = Path.Combine(_scratch, "infra", "scratch");
        Directory.CreateDirectory(infra);
        await File.WriteAllTextAsync(Path.Combine(infra, "main.tf"), """
            variable "a_input" { default = "one" }
            variable "b_trigger" { default = "one" }
            variable "with_c" { default = true }
            resource "terraform_data" "a" {
              input = var.a_input
              lifecycle {
                precondition {
                  condition     = var.a_input != "refused"
                  error_message = "refused"
                }
              }
            }
            resource "terraform_data" "b" { triggers_replace = var.b_trigger }
            resource "terraform_data" "c" { count = var.with_c ? 1 : 0 }
            """);
        var run = new RunContext(new EnvironmentLayout(_scratch, "scratch", Path.Combine(_scratch, "state")), RunArguments.Empty, false, new RecordingReporter());
        _terraform = new TerraformRunner(run);
        _plan = Path.Combine(_scratch, "plan.tfplan");
        await _terraform.InitAsync([]);
    }

    [OneTimeTearDown]
    public void RemoveScratch() => RepositoryRoot.RemoveScratch(_scratch);

    private async Task<PlanSummary> PlanAsync(params string[] variables)
    {
        await _terraform.PlanAsync(_plan, variables.Select(v => "-var=" + v));
        return PlanSummary.Parse(await _terraform.ShowJsonAsync(_plan));
    }

    // Terraform writes the plan under the process umask (world-readable under 022) and show -json prints
    // sensitive values in clear: both hold the state's secrets, so only their owner may read them.
    [Test]
    public async Task The_saved_plan_and_its_json_are_readable_by_their_owner_only()
    {
        var plan = Path.Combine(_scratch, "secret-plan.tfplan");

        await _terraform.PlanAsync(plan, []);
        await PlanFiles.WriteAsync(_terraform, plan, new RecordingReporter(), new SecretRedactor());

        Assert.That(File.GetUnixFileMode(plan), Is.EqualTo(AtomicFile.OwnerOnly));
        Assert.That(File.GetUnixFileMode(Path.Combine(_scratch, "secret-plan.json")), Is.EqualTo(AtomicFile.OwnerOnly));
        Assert.That(File.GetUnixFileMode(Path.Combine(_scratch, "secret-plan.txt")), Is.EqualTo(AtomicFile.Readable), "the masked summary stays readable for review");
    }

    // plan.txt is published by CI: a value the run knows as a secret (a store-fed TF_VAR_ of a variable the configuration
    // does not declare sensitive, which Terraform shows in clear) is masked there.
    [Test]
    public async Task A_secret_the_run_knows_is_masked_in_the_plan_text()
    {
        var plan = Path.Combine(_scratch, "secret-text.tfplan");
        var redactor = new SecretRedactor();
        redactor.Register("conn=Vault-Secret-Value-123");

        await _terraform.PlanAsync(plan, ["-var=a_input=conn=Vault-Secret-Value-123"]);
        await PlanFiles.WriteAsync(_terraform, plan, new RecordingReporter(), redactor);

        var text = await File.ReadAllTextAsync(Path.Combine(_scratch, "secret-text.txt"));
        Assert.That(text, Does.Contain("terraform_data.a").And.Contain("***").And.Not.Contain("Vault-Secret-Value-123"));
    }

    [Test]
    public async Task Create_counts_every_new_resource_as_an_add()
    {
        var summary = await PlanAsync();

        Assert.That(summary.Add, Is.EquivalentTo(new[] { "terraform_data.a", "terraform_data.b", "terraform_data.c[0]" }));
        Assert.That(summary.Headline, Is.EqualTo("Plan: 3 to add, 0 to change, 0 to destroy."));
        await _terraform.ApplyAsync(_plan);
    }

    [Test, DependsOnTest(nameof(Create_counts_every_new_resource_as_an_add), AllowFailure = true)]
    public async Task No_op_reports_no_changes()
    {
        var summary = await PlanAsync();

        Assert.That(summary.HasChanges, Is.False);
        Assert.That(summary.Headline, Does.StartWith("No changes."));
    }

    [Test, DependsOnTest(nameof(No_op_reports_no_changes), AllowFailure = true)]
    public async Task Changed_input_is_an_update_in_place()
    {
        var summary = await PlanAsync("a_input=two");

        Assert.That(summary.Change, Is.EqualTo(new[] { "terraform_data.a" }));
        Assert.That(summary.Headline, Is.EqualTo("Plan: 0 to add, 1 to change, 0 to destroy."));
    }

    [Test, DependsOnTest(nameof(Changed_input_is_an_update_in_place), AllowFailure = true)]
    public async Task Changed_trigger_is_a_replacement_counted_as_add_and_destroy()
    {
        var summary = await PlanAsync("b_trigger=two");

        Assert.That(summary.Replace, Is.EqualTo(new[] { "terraform_data.b" }));
        Assert.That(summary.Headline, Is.EqualTo("Plan: 1 to add, 0 to change, 1 to destroy."));
        Assert.That(summary.Describe(), Does.Contain("-/+ terraform_data.b"));
    }

    [Test, DependsOnTest(nameof(Changed_trigger_is_a_replacement_counted_as_add_and_destroy), AllowFailure = true)]
    public async Task Removed_resource_is_a_destroy()
    {
        var summary = await PlanAsync("with_c=false");

        Assert.That(summary.Destroy, Is.EqualTo(new[] { "terraform_data.c[0]" }));
        Assert.That(summary.Headline, Is.EqualTo("Plan: 0 to add, 0 to change, 1 to destroy."));
    }

    [Test, DependsOnTest(nameof(Removed_resource_is_a_destroy), AllowFailure = true)]
    public async Task A_plan_that_fails_leaves_the_plan_under_review_as_it_was()
    {
        await PlanAsync("a_input=reviewed");
        var reviewed = await File.ReadAllBytesAsync(_plan);

        // A failed precondition: Terraform still saves the plan it could not finish, an errored one.
        Assert.That(() => PlanAsync("a_input=refused"), Throws.TypeOf<CommandFailedException>().With.Property(nameof(CommandFailedException.StandardErrorTail)).Contains("precondition"));

        Assert.That(await File.ReadAllBytesAsync(_plan), Is.EqualTo(reviewed));
        Assert.That(File.Exists(_plan + ".new"), Is.False, "nothing left beside it");
    }

    [Test, DependsOnTest(nameof(A_plan_that_fails_leaves_the_plan_under_review_as_it_was), AllowFailure = true)]
    public async Task A_saved_plan_without_changes_is_refused_by_terraform_once_the_state_moved_on()
    {
        // What Apply relies on when it hands an earlier no-change plan to Terraform instead of skipping it.
        var summary = await PlanAsync();
        Assert.That(summary.HasChanges, Is.False);
        var noChanges = Path.Combine(_scratch, "no-changes.tfplan");
        File.Copy(_plan, noChanges, overwrite: true);
        await PlanAsync("a_input=moved");
        await _terraform.ApplyAsync(_plan);

        var error = await Assert.ThrowsAsync<PlatformException>(() => _terraform.ApplyAsync(noChanges));

        Assert.That(error!.Message, Is.EqualTo($"The plan {noChanges} is stale: the environment's state changed after it was made (another Apply or Destroy ran). Terraform applied nothing. Make and review a new plan (./build.sh --target=Plan), then apply that one."));
    }

    [Test]
    public void Text_that_is_not_a_plan_is_refused_with_its_source()
    {
        var error = Assert.Throws<PlatformException>(() => PlanSummary.Parse("{\"hello\":1}", "plan.json"));
        Assert.That(error!.Message, Does.Contain("plan.json").And.Contain("terraform show -json"));

        error = Assert.Throws<PlatformException>(() => PlanSummary.Parse("not json", "plan.json"));
        Assert.That(error!.Message, Does.Contain("plan.json"));
    }
}
