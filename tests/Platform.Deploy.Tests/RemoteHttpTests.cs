namespace Platform.Deploy.Tests;

public sealed class RemoteHttpTests
{
    [Test]
    public void An_answer_reads_as_its_status_and_body_and_no_answer_as_such()
    {
        Assert.That(RemoteHttp.Describe(503, " {\"status\":\"not ready\"}\n"), Is.EqualTo("answered 503 {\"status\":\"not ready\"}"));
        Assert.That(RemoteHttp.Describe(404, string.Empty), Is.EqualTo("answered 404"));
        Assert.That(RemoteHttp.Describe(0, string.Empty), Does.StartWith("got no answer (no process listening"));
    }
}
