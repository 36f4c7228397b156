using Platform.Core;

namespace Platform.Reports;

/// <summary>Writes a deploy's report, Markdown and PNG side by side, into the reports folder.</summary>
public static class DeployReportWriter
{
    /// <summary>
    /// Writes <c>&lt;reportsDir&gt;/&lt;yyyyMMdd-HHmmss&gt;-&lt;target&gt;.md</c> and <c>.png</c>, each atomically,
    /// creating the folder if needed. The PNG goes first so the Markdown never links a missing image.
    /// </summary>
    public static (string MarkdownPath, string PngPath) Write(DeployReportData data, string reportsDir)
    {
        Directory.CreateDirectory(reportsDir);
        var pngPath = Path.Combine(reportsDir, ReportFileNames.Png(data));
        var markdownPath = Path.Combine(reportsDir, ReportFileNames.Markdown(data));
        TimelineChart.Render(data, pngPath);
        AtomicFile.WriteAllText(markdownPath, DeployReportMarkdown.Render(data));
        return (markdownPath, pngPath);
    }
}
