using System.Globalization;

namespace Platform.Reports;

/// <summary>
/// The report's file names, <c>yyyyMMdd-HHmmss-target</c> from the run's start in UTC, so reports
/// sort by time and the Markdown can link the PNG by the same name the writer gives it.
/// </summary>
public static class ReportFileNames
{
    public static string BaseName(DeployReportData data) =>
        data.StartedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + SafeTarget(data.Target);

    public static string Markdown(DeployReportData data) => BaseName(data) + ".md";

    public static string Png(DeployReportData data) => BaseName(data) + ".png";

    // A target is an inventory name, but a space or slash in it must not break the path or the Markdown link.
    private static string SafeTarget(string target)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string([.. target.Select(c => char.IsWhiteSpace(c) || invalid.Contains(c) || c is '(' or ')' ? '-' : c)]);
        return safe.Length == 0 ? "target" : safe;
    }
}
