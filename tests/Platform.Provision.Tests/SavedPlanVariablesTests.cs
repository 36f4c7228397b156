using Platform.Core;

namespace Platform.Provision.Tests;

public sealed class SavedPlanVariablesTests
{
    // The "variables" of `terraform show -json` (Terraform's JSON plan format): every variable with the value planned.
    private const string Plan = """
        { "format_version": "1.2", "variables": {
            "app_nodes": { "value": 3 }, "address_prefix": { "value": "127.0.77." },
            "slot_ports": { "value": [8081, 8082] }, "environment": { "value": "local" } } }
        """;

    [Test]
    public void The_values_the_plan_was_made_with_pass() =>
        Assert.DoesNotThrow(() => SavedPlanVariables.Check(Plan, ["app_nodes=2", "app_nodes=3", "address_prefix=127.0.77.", "slot_ports=[8081, 8082]"], "plan.tfplan"), "of a variable given twice, the last value counts");

    [TestCase("app_nodes=4", "was made with app_nodes=3")]
    [TestCase("address_prefix=127.0.78.", "was made with address_prefix=127.0.77.")]
    [TestCase("slot_ports=[8081,8083]", "was made with slot_ports=[8081, 8082]")]
    [TestCase("no_such=1", "has no variable no_such")]
    public void A_value_the_plan_was_not_made_with_is_refused(string given, string said)
    {
        var error = Assert.Throws<PlatformException>(() => SavedPlanVariables.Check(Plan, ["address_prefix=127.0.77.", given], "artifacts/local/plan.tfplan"));

        Assert.That(error!.Message, Does.Contain($"--var={given}: the plan artifacts/local/plan.tfplan {said}")
            .And.Contain($"./build.sh --target=Plan --var={given}").And.Contain("Nothing was changed"));
    }

    // A variable the configuration declares sensitive: what the plan was made with is not repeated in the refusal.
    [Test]
    public void The_planned_value_of_a_sensitive_variable_is_not_repeated()
    {
        const string plan = """
            { "variables": { "db_password": { "value": "Vault-Secret-Value-123" } },
              "configuration": { "root_module": { "variables": { "db_password": { "sensitive": true } } } } }
            """;

        var error = Assert.Throws<PlatformException>(() => SavedPlanVariables.Check(plan, ["db_password=guess-guess"], "plan.tfplan"));

        Assert.That(error!.Message, Does.Contain("was made with another value of db_password").And.Not.Contain("Vault-Secret-Value-123"));
    }
}
