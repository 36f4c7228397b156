using System.Globalization;

namespace Platform.Reports;

/// <summary>
/// Every number the report prints goes through here: the Cake runner keeps the operator's
/// culture, and a report must read "12.50", not "12,50", whoever ran the deploy.
/// </summary>
internal static class InvariantNumbers
{
    /// <summary>Two decimals; a phase that took time but less than 5 ms reads "&lt;0.01", not "0.00" (which looks like it did not happen).</summary>
    public static string Seconds(double seconds) => seconds is > 0 and < 0.005 ? "<0.01" : seconds.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>No trailing zeros: "10", "2.5", "0.1".</summary>
    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Axis tick labels, as ScottPlot shows them by default.</summary>
    public static string Tick(double value) => Number(value);
}
