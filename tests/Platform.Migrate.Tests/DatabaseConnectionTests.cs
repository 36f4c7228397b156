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
}
