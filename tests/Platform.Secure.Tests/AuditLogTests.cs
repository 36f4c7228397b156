namespace Platform.Secure.Tests;

public sealed class AuditLogTests
{
    [Test]
    public void Audit_lines_are_one_token_per_field()
    {
        var at = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        Assert.That(
            AuditLog.Line(at, "Jane Doe", "Deploy", "1.1.0", "succeeded", "jenkins#42"),
            Is.EqualTo("2026-11-26T10:00:00Z operator=Jane_Doe target=Deploy version=1.1.0 result=succeeded build=jenkins#42"));
        Assert.That(
            AuditLog.Line(at, "jane", "RollNode", "1.2.0-rc.1", "failed", null, node: "web-2"),
            Is.EqualTo("2026-11-26T10:00:00Z operator=jane target=RollNode version=1.2.0-rc.1 result=failed node=web-2"));
    }

    [Test]
    public void A_value_with_a_line_break_cannot_forge_another_audit_line()
    {
        var at = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

        var line = AuditLog.Line(at, "jane\n2026-11-26T09:00:00Z operator=bob target=Deploy", "Deploy", "1.1.0", "succeeded", "ci\r#1\t2");

        Assert.That(line, Is.EqualTo("2026-11-26T10:00:00Z operator=jane_2026-11-26T09:00:00Z_operator=bob_target=Deploy target=Deploy version=1.1.0 result=succeeded build=ci_#1_2"));
    }

    [Test]
    public void Overrides_are_on_record()
    {
        var at = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var forced = Platform.Core.RunArguments.From(new Dictionary<string, string> { ["force"] = "true", ["strategy"] = "restart" });

        Assert.That(AuditLog.Overrides(forced), Is.EqualTo("force,strategy=restart"));
        Assert.That(AuditLog.Overrides(Platform.Core.RunArguments.From(new Dictionary<string, string> { ["allow-destroy"] = "true" })), Is.EqualTo("allow-destroy"), "consent to destroy what a plan removes");
        Assert.That(AuditLog.Overrides(Platform.Core.RunArguments.From(new Dictionary<string, string> { ["replace"] = "terraform_data.host[\"web-1\"]" })), Is.EqualTo("replace=terraform_data.host[\"web-1\"]"));
        Assert.That(AuditLog.Overrides(Platform.Core.RunArguments.From(new Dictionary<string, string> { ["force"] = "false", ["strategy"] = "zero-downtime" })), Is.Null);
        Assert.That(
            AuditLog.Line(at, "jane", "RollNode", "1.0.0", "succeeded", null, node: "web-2", overrides: AuditLog.Overrides(forced)),
            Is.EqualTo("2026-11-26T10:00:00Z operator=jane target=RollNode version=1.0.0 result=succeeded node=web-2 overrides=force,strategy=restart"));
    }
}
