namespace Platform.Provision.Tests;

public sealed class StoppedHostsStarterTests
{
    [TestCase("[web-1] would start sshd on 127.0.10.11:2222 (stopped)", "web-1")]
    [TestCase("[lb] would start haproxy on 127.0.10.10:8080, every slot in maintenance", "lb")]
    [TestCase("[db] started postgres on 127.0.10.5:5432 (it had stopped)", null)]
    [TestCase("would start nothing", null)]
    [TestCase("[] would start sshd", null)]
    public void A_check_line_names_the_host_it_would_start(string line, string? host) =>
        Assert.That(StoppedHostsStarter.WouldStartOn(line), Is.EqualTo(host));
}
