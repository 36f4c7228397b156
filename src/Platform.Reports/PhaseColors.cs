using ScottPlot;

namespace Platform.Reports;

/// <summary>
/// One color per phase. The usual phases keep the same color in every report, so operators learn
/// them; red is left out: it marks failure (failed requests in the load panel, failed phases).
/// </summary>
internal static class PhaseColors
{
    private static readonly Dictionary<string, Color> Known = new(StringComparer.Ordinal)
    {
        ["upload"] = Color.FromHex("#4E79A7"),
        ["start"] = Color.FromHex("#F28E2B"),
        ["ready"] = Color.FromHex("#59A14F"),
        ["drain"] = Color.FromHex("#B07AA1"),
        ["stop"] = Color.FromHex("#9C755F"),
        ["verify"] = Color.FromHex("#76B7B2"),
        ["connect"] = Color.FromHex("#BAB0AC"),
        ["lock"] = Color.FromHex("#1F3A5F"),
        ["discover"] = Color.FromHex("#EDC948"),
        ["checks"] = Color.FromHex("#2F6F6A"),
    };

    private static readonly Color[] Others =
        [Color.FromHex("#FF9DA7"), Color.FromHex("#8CD17D"), Color.FromHex("#D4A6C8"), Color.FromHex("#86BCB6"), Color.FromHex("#F1CE63")];

    /// <summary>The outline and hatching of a phase that failed or was stopped: the red of failed requests in the load panel.</summary>
    public static Color Failed => Colors.Red;

    /// <summary>Colors for the given phases; phases outside the usual ones take the spare colors in the order given.</summary>
    public static IReadOnlyDictionary<string, Color> For(IReadOnlyList<string> phases)
    {
        var colors = new Dictionary<string, Color>(StringComparer.Ordinal);
        var spare = 0;
        foreach (var phase in phases)
            colors[phase] = Known.TryGetValue(phase, out var known) ? known : Others[spare++ % Others.Length];
        return colors;
    }
}
