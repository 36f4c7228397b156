using System.Reflection;

namespace Catalog.Client;

/// <summary>
/// The X-Catalog-Client header sent on every request. The service logs it, so a rollout can be followed
/// per client release ("which consumers still run the client of release N?").
/// </summary>
internal static class CatalogClientIdentity
{
    public const string HeaderName = "X-Catalog-Client";

    /// <summary><c>Catalog.Client/&lt;informational version without the +commit suffix&gt;</c>, e.g. <c>Catalog.Client/1.1.0</c>.</summary>
    public static string Value { get; } = "Catalog.Client/" + VersionOf(typeof(CatalogClientIdentity).Assembly);

    private static string VersionOf(Assembly assembly) =>
        (assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];
}
