using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

public sealed class SshConnectorTests
{
    // An app node holds nothing a replacement would lose; the db (or lb) host does: its hint must not be --replace.
    [Test]
    public async Task An_unreachable_app_node_may_be_replaced_but_the_db_host_is_to_be_brought_back()
    {
        var dir = RepositoryRoot.NewScratch("unreachable");
        try
        {
            var key = await SshKeygen.NewKeyAsync(dir, "k");
            using var closed = new ClosedPort();
            var port = closed.Port;
            InventoryHost Host(string name, string role) => new()
            {
                Name = name, Roles = [role], Address = "127.0.0.1", SshPort = port, SshUser = "root", HostKeyFingerprint = "SHA256:x", BaseDir = "/srv",
            };
            var connector = new SshConnector(new SshCredentials(key.PrivateFile));

            var app = await Assert.ThrowsAsync<HostUnreachableException>(() => HostSession.OpenAsync(Host("web-1", "app"), connector));
            var db = await Assert.ThrowsAsync<HostUnreachableException>(() => HostSession.OpenAsync(Host("db", "db"), connector));

            Assert.That(app!.Message, Does.Contain("Cannot reach 'web-1'").And.Contain("--replace=ADDRESS").And.Contain("terraform_data.host[\"web-1\"]"));
            Assert.That(db!.Message, Does.Contain("Cannot reach 'db'").And.Contain("Bring it back rather than replace it").And.Not.Contain("--replace"));
            Assert.That((app.Host, db.Host), Is.EqualTo(("web-1", "db")), "a step that can go on without the host is told which it is");
        }
        finally
        {
            RepositoryRoot.RemoveScratch(dir);
        }
    }
}
