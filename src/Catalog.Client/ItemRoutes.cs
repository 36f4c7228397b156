using System.Globalization;

namespace Catalog.Client;

/// <summary>The catalog's paths, relative to the base address (no leading slash, so a base path prefix is kept).</summary>
internal static class ItemRoutes
{
    public const string Items = "items";
    public const string Version = "version";

    public static string Item(long id) => $"{Items}/{id.ToString(CultureInfo.InvariantCulture)}";

    public static string List(int? limit, int? offset, string? search)
    {
        var query = new[]
            {
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)),
                ("offset", offset?.ToString(CultureInfo.InvariantCulture)),
                ("search", search),
            }
            .Where(pair => pair.Item2 is not null)
            .Select(pair => $"{pair.Item1}={Uri.EscapeDataString(pair.Item2!)}")
            .ToList();
        return query.Count == 0 ? Items : $"{Items}?{string.Join('&', query)}";
    }

    /// <summary>The same write, asked as a dry run: validated and answered, nothing changed.</summary>
    public static string DryRun(string path) => path + "?dryRun=true";
}
