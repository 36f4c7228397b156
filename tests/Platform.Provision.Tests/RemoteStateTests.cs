using Npgsql;
using Platform.Core;
using Platform.Secrets;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

/// <summary>
/// infra/local-pg: the local hosts with their Terraform state in PostgreSQL (the pg backend).
/// While one Apply holds the state lock, a second, concurrent Apply is refused by the lock.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class RemoteStateTests
{
    private PostgresCluster _stateDb = null!;
    private LocalEnvironment _env = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _stateDb = await PostgresCluster.StartAsync("tfstate");
        var database = await _stateDb.CreateDatabaseAsync("tfstate");
        _env = LocalEnvironment.Create("localpg", appNodes: 2, TestContext.Progress, environmentName: "local-pg");
        var conn = $"postgres://postgres:{_stateDb.SuperuserPassword}@{_stateDb.Address}:{_stateDb.Port}/{database}?sslmode=disable";
        await new FileSecretStore(Path.Combine(_env.StateDir, "secrets")).SetAsync("terraform/pg-conn-str", conn);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        try
        {
            await _env.DisposeAsync();
        }
        finally
        {
            await _stateDb.DisposeAsync();
        }
    }

    [Test]
    public async Task A_second_concurrent_apply_is_refused_by_the_state_lock()
    {
        var first = _env.ApplyAsync();
        var second = new RecordingReporter();
        PlatformException? error;
        try
        {
            await WaitForStateLockAsync(first);

            // The first apply is frozen while the second runs (its session, and so the lock, stay), so a
            // busy machine cannot let it finish before the second reaches the lock.
            var applying = _env.TerraformApplyPid() ?? throw new AssertionException("the first apply's terraform process was not found");
            ProcessSignal.Send("STOP", applying);
            try
            {
                error = await Assert.ThrowsAsync<PlatformException>(() => new PlanStep(_env.NewRun(reporter: second)).RunAsync());
            }
            finally
            {
                ProcessSignal.Send("CONT", applying);
            }
        }
        finally
        {
            // Whatever failed above, the first apply ends before the fixture's teardown destroys the environment.
            await first.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        Assert.That(second.Text, Does.Contain("state lock"), "Terraform's own words, shown as they came");
        Assert.That(error!.Message, Does.Contain("Another Terraform run holds the state lock of 'local-pg'").And.Contain("Nothing was changed").And.Contain("-lock=false does not apply"), second.Text);
        await first;
        Assert.That(_env.Inventory.Environment, Is.EqualTo("local-pg"));
        Assert.That(await CountAsync("SELECT count(*) FROM terraform_local_pg.states"), Is.EqualTo(1), "the state lives in PostgreSQL");
        Assert.That(File.Exists(Path.Combine(_env.StateDir, "terraform.tfstate")), Is.False, "and not in a local file");
        Assert.That(_env.Reporter.Text + second.Text, Does.Not.Contain(_stateDb.SuperuserPassword), "the connection string is never printed");
    }

    // Waits until the first run is applying (its hosts are being created) while holding the
    // backend's lock: the pg backend holds a PostgreSQL advisory lock for as long as a plan or apply runs.
    private Task WaitForStateLockAsync(Task first) =>
        Poll.UntilAsync(
            async () => Directory.Exists(Path.Combine(_env.StateDir, "hosts"))
                && await CountAsync("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") != 0,
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(10),
            "no state lock seen",
            whileWaiting: () => Assert.That(first.IsCompleted, Is.False, "the first apply finished before its lock was seen"));

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_stateDb.ConnectionString("tfstate"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException)
        {
            return 0; // The backend creates its schema on first use.
        }
    }
}
