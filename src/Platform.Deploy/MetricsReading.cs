using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Deploy;

/// <summary>
/// Request counts by status class from a Prometheus text page (prometheus-net's
/// <c>http_requests_received_total{code="…",…}</c>), to compute a node's 5xx rate since start.
/// </summary>
public sealed partial record MetricsReading(double Total, double ServerErrors)
{
    public double ServerErrorRate => Total == 0 ? 0 : ServerErrors / Total;

    public static MetricsReading Parse(string prometheusText)
    {
        double total = 0, errors = 0;
        foreach (Match m in CounterLine().Matches(prometheusText))
        {
            var value = double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            total += value;
            if (m.Groups["code"].Value.StartsWith('5'))
            {
                errors += value;
            }
        }

        return new MetricsReading(total, errors);
    }

    [GeneratedRegex(@"^http_requests_received_total\{(?<labels>[^}]*\bcode=""(?<code>\d{3})""[^}]*)\}\s+(?<value>[0-9.eE+-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex CounterLine();
}
