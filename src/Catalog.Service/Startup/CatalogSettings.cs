using System.Globalization;
using Catalog.Service.Data;

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
            // Built as the service builds it, then dropped (no connection is opened): building also rejects what
            // parsing lets through, such as a missing Host, which would otherwise fail every request instead of the start.
            CatalogDataSource.Create(value).Dispose();
        }
        catch (ArgumentException)
        {
            // Npgsql's message may quote part of the value, so it is not passed on.
            throw new StartupException($"{DatabaseKey} is not a valid Npgsql connection string (an unknown keyword, a bad value or no Host).");
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
