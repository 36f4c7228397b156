using System.Globalization;
using Npgsql;

namespace Catalog.Service.Startup;

/// <summary>The service's own settings, validated once at startup so a bad deployment fails fast.</summary>
internal sealed record CatalogSettings(string ConnectionString, TimeSpan ShutdownTimeout, bool TestDelayEndpoint)
{
    public const string DatabaseKey = "CATALOG_DB";
    public const string ShutdownTimeoutKey = "CATALOG_SHUTDOWN_TIMEOUT_SECONDS";
    public const string TestDelayEndpointKey = "CATALOG_TEST_DELAY_ENDPOINT";
    public const int DefaultShutdownTimeoutSeconds = 20;

    // The connection string is a secret: it is never part of ToString() (records print their members).
    public override string ToString() => $"CatalogSettings {{ ShutdownTimeout = {ShutdownTimeout}, TestDelayEndpoint = {TestDelayEndpoint} }}";

    /// <exception cref="StartupException">A setting is missing or invalid.</exception>
    public static CatalogSettings From(IConfiguration configuration) =>
        new(ReadConnectionString(configuration), ReadShutdownTimeout(configuration), configuration[TestDelayEndpointKey] == "1");

    private static string ReadConnectionString(IConfiguration configuration)
    {
        var value = configuration[DatabaseKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new StartupException($"{DatabaseKey} is not set: it must hold the Npgsql connection string of the catalog database.");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException)
        {
            // The parser's message may quote part of the value, so it is not passed on.
            throw new StartupException($"{DatabaseKey} is not a valid Npgsql connection string.");
        }

        return value;
    }

    private static TimeSpan ReadShutdownTimeout(IConfiguration configuration)
    {
        var value = configuration[ShutdownTimeoutKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return TimeSpan.FromSeconds(DefaultShutdownTimeoutSeconds);
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new StartupException($"{ShutdownTimeoutKey} must be a whole number of seconds above 0, not '{value}'.");
    }
}
