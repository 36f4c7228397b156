using Platform.Core;
using Platform.TestSupport;

namespace Platform.Migrate.Tests;

public sealed class DatabaseConnectionTests
{
    [Test]
    public async Task A_database_that_does_not_answer_is_named_with_what_brings_it_back()
    {
        using var closed = new ClosedPort();
        var port = closed.Port;

        var error = await Assert.ThrowsAsync<PlatformException>(() => DatabaseConnection.OpenAsync($"Host=127.0.0.1;Port={port};Username=u;Password=hunter2;Timeout=3", CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith($"The database at 127.0.0.1:{port} does not answer").And.Contain("Apply (and so Deploy) starts it again").And.Not.Contain("hunter2"));
    }

    // The roles' passwords cross the network to any database not on this machine: never in clear.
    [TestCase("127.0.0.1", Npgsql.SslMode.Prefer)]
    [TestCase("127.0.10.4", Npgsql.SslMode.Prefer)]
    [TestCase("localhost", Npgsql.SslMode.Prefer)]
    [TestCase("::1", Npgsql.SslMode.Prefer)]
    [TestCase("db.internal.example", Npgsql.SslMode.Require)]
    [TestCase("private-db-cluster.db.ondigitalocean.com", Npgsql.SslMode.Require)]
    public void Connections_beyond_loopback_must_be_encrypted(string address, Npgsql.SslMode expected) =>
        Assert.That(CatalogDatabase.SslModeFor(address), Is.EqualTo(expected));
}
