using System.Diagnostics;
using Npgsql;

namespace Platform.TestSupport;

/// <summary>
/// A throwaway PostgreSQL 15 cluster on its own loopback address, created and removed with the
/// local environment's own scripts (infra/local/scripts/postgres-up.sh and postgres-down.sh), so
/// tests exercise exactly what Apply runs.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly LoopbackRange? _range;
    private readonly string _dir;

    private PostgresCluster(LoopbackRange? range, string dir, string address, string password)
    {
        _range = range;
        _dir = dir;
        Address = address;
        SuperuserPassword = password;
    }

    public string Address { get; }

    public int Port => 5432;

    public string SuperuserPassword { get; }

    public string PasswordFile => Path.Combine(_dir, "superuser.password");

    public string ConnectionString(string database = "postgres", string user = "postgres", string? password = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Address,
            Port = Port,
            Database = database,
            Username = user,
            Password = password ?? SuperuserPassword,
            Pooling = false,
            Timeout = 5,
        }.ConnectionString;

    public static async Task<PostgresCluster> StartAsync(string name = "pg")
    {
        var (range, dir) = LoopbackRange.AcquireWithScratch(name);
        var address = range.Address(5);
        try
        {
            await RunScriptAsync("postgres-up.sh", new()
            {
                ["DB_DIR"] = Path.Combine(dir, "db"),
                ["DB_ADDRESS"] = address,
                ["DB_PORT"] = "5432",
                ["DB_PASSWORD_FILE"] = Path.Combine(dir, "superuser.password"),
            });
            var password = (await File.ReadAllTextAsync(Path.Combine(dir, "superuser.password"))).Trim();
            return new PostgresCluster(range, dir, address, password);
        }
        catch
        {
            await RunScriptAsync("postgres-down.sh", new() { ["DB_DIR"] = Path.Combine(dir, "db") }, throwOnError: false);
            RepositoryRoot.RemoveScratch(dir);
            range.Dispose();
            throw;
        }
    }

    /// <summary>Creates an empty database and returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    public async ValueTask DisposeAsync()
    {
        await RunScriptAsync("postgres-down.sh", new() { ["DB_DIR"] = Path.Combine(_dir, "db") }, throwOnError: false);
        RepositoryRoot.RemoveScratch(_dir);
        _range?.Dispose();
    }

    internal static async Task RunScriptAsync(string script, Dictionary<string, string> environment, bool throwOnError = true)
    {
        var path = Path.Combine(RepositoryRoot.Path, "infra", "local", "scripts", script);
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["PATH"] = Platform.Core.ToolLocator.ChildPath();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && throwOnError)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }
}
