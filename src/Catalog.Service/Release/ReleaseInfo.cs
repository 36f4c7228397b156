using System.Globalization;
using System.Reflection;
using Catalog.Service.Startup;

namespace Catalog.Service.Release;

/// <summary>
/// What this release is: its number, the migration level it was cut at (CatalogSchema), the expand
/// migrations it ships and an injected fault. Baked in at build time as assembly metadata (see
/// Catalog.props and Catalog.Service.csproj), so releases N and N+1 built from one tree differ.
/// </summary>
internal sealed record ReleaseInfo(string Release, int SchemaLevel, IReadOnlyList<int> ExpandVersions, string Fault)
{
    public const string NoFault = "none";
    public const string NeverReadyFault = "never-ready";

    /// <summary>Test-only configuration keys: run "release N" behaviour in-process from a release N+1 build.</summary>
    public const string SchemaLevelKey = "Catalog:SchemaLevel";
    public const string FaultKey = "Catalog:Fault";

    public static ReleaseInfo Baked { get; } = FromAssembly(typeof(ReleaseInfo).Assembly);

    /// <summary>
    /// The database schema this release needs to serve: the highest expand migration at or below its level.
    /// Contract migrations only remove what the release no longer uses, so it never waits for them.
    /// </summary>
    public int RequiredSchema => ExpandVersions.Where(v => v <= SchemaLevel).DefaultIfEmpty(0).Max();

    public bool NeverReady => Fault == NeverReadyFault;

    public static ReleaseInfo FromAssembly(Assembly assembly)
    {
        var metadata = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value ?? string.Empty);
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        return new ReleaseInfo(
            Release: informational.Split('+')[0],
            SchemaLevel: int.Parse(metadata["CatalogSchema"], CultureInfo.InvariantCulture),
            ExpandVersions: metadata["CatalogExpandVersions"]
                .Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => int.Parse(v, CultureInfo.InvariantCulture))
                .ToArray(),
            Fault: metadata["CatalogFault"]);
    }

    /// <exception cref="StartupException">An override is not valid.</exception>
    public ReleaseInfo WithOverrides(IConfiguration configuration)
    {
        var result = this;
        if (configuration[SchemaLevelKey] is { Length: > 0 } level)
        {
            result = int.TryParse(level, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? result with { SchemaLevel = value }
                : throw new StartupException($"{SchemaLevelKey} must be a migration version, not '{level}'.");
        }

        if (configuration[FaultKey] is { Length: > 0 } fault)
        {
            result = result with { Fault = fault };
        }

        return result.Fault is NoFault or NeverReadyFault
            ? result
            : throw new StartupException($"Unknown fault '{result.Fault}' (known: {NoFault}, {NeverReadyFault}).");
    }
}
