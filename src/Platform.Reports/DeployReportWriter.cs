using Platform.Core;

namespace Platform.Reports;

/// <summary>Writes a deploy's report, Markdown and PNG side by side, into the reports folder.</summary>
public static class DeployReportWriter
{
    /// <summary>
    /// Writes <c>&lt;reportsDir&gt;/&lt;yyyyMMdd-HHmmss&gt;-&lt;target&gt;.md</c> and <c>.png</c>, each atomically,
    /// creating the folder if needed. The PNG goes first so the Markdown never links a missing image;
    /// a chart that cannot be drawn (SkiaSharp's native library or fonts missing on the machine) costs
    /// only the chart: the Markdown is written, says why, and the PNG path returned is null.
    /// </summary>
    public static (string MarkdownPath, string? PngPath) Write(DeployReportData data, string reportsDir) =>
        Write(data, reportsDir, TimelineChart.Render);

    internal static (string MarkdownPath, string? PngPath) Write(DeployReportData data, string reportsDir, Action<DeployReportData, string> drawChart)
    {
        Directory.CreateDirectory(reportsDir);
        string? pngPath = Path.Combine(reportsDir, ReportFileNames.Png(data));
        var markdownPath = Path.Combine(reportsDir, ReportFileNames.Markdown(data));
        string? chartProblem = null;
        try
        {
            drawChart(data, pngPath);
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            chartProblem = (ex.InnerException ?? ex).Message;
            pngPath = null;
        }

        AtomicFile.WriteAllText(markdownPath, DeployReportMarkdown.Render(data, chartProblem));
        return (markdownPath, pngPath);
    }
}
