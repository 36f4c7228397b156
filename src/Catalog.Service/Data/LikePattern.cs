namespace Catalog.Service.Data;

/// <summary>Builds a LIKE pattern matching any value that contains the given text literally (used with ESCAPE '\').</summary>
internal static class LikePattern
{
    public static string Containing(string text) =>
        "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal)
                  .Replace("%", @"\%", StringComparison.Ordinal)
                  .Replace("_", @"\_", StringComparison.Ordinal) + "%";
}
