using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Deploy;

/// <summary>
/// Request counts by status class from a Prometheus text page (prometheus-net's
/// <c>http_requests_received_total{code="…",…}</c>), to compute a node's 5xx rate since start over
/// the requests it served to clients. HAProxy's health checks (<c>/health/…</c>, one a second per
/// slot) and scrapes of <c>/metrics</c> are left out: they outnumber real traffic on a quiet node,
/// which hid its errors, and a readiness check answers 503 on purpose while the database is away,
/// which failed Verify for an hour after the database came back.
/// </summary>
public sealed partial record MetricsReading(double Total, double ServerErrors)
{
    public double ServerErrorRate => Total == 0 ? 0 : ServerErrors / Total;

    public static MetricsReading Parse(string prometheusText)
    {
        double total = 0, errors = 0;
        foreach (Match m in CounterLine().Matches(prometheusText))
        {
            var labels = m.Groups["labels"].Value;
            if (NotServed().IsMatch(labels) || Code().Match(labels) is not { Success: true } code)
            {
                continue;
            }

            var value = double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            total += value;
            if (code.Groups[1].Value.StartsWith('5'))
            {
                errors += value;
            }
        }

        return new MetricsReading(total, errors);
    }

    [GeneratedRegex(@"\bendpoint=""/(health/|metrics"")")]
    private static partial Regex NotServed();

    [GeneratedRegex(@"\bcode=""(\d{3})""")]
    private static partial Regex Code();

    // Label values are quoted and may hold braces (endpoint="/items/{id}"): a label list is quoted strings and anything but quotes and braces.
    [GeneratedRegex(@"^http_requests_received_total\{(?<labels>(?:[^""}]|""[^""]*"")*)\}\s+(?<value>[0-9.eE+-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex CounterLine();
}
