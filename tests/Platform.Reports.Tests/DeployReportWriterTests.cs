using Platform.Reports;
using Platform.TestSupport;

namespace Platform.Reports.Tests;

public sealed class DeployReportWriterTests
{
    [Test]
    public void Writes_markdown_and_png_named_after_start_and_target_into_a_new_folder()
    {
        using var scratch = ScratchFolder.Reserve("reports");
        var reportsDir = Path.Combine(scratch.Path, "reports", "staging");
        var data = SampleReports.Create(SampleReports.Roll(3), SampleReports.Load(30));

        var (markdownPath, pngPath) = DeployReportWriter.Write(data, reportsDir);

        Assert.That(markdownPath, Is.EqualTo(Path.Combine(reportsDir, "20250307-120509-catalog.md")));
        Assert.That(pngPath, Is.EqualTo(Path.Combine(reportsDir, "20250307-120509-catalog.png")));
        Assert.That(PngHeader.HasSignature(File.ReadAllBytes(pngPath)), Is.True);
        Assert.That(File.ReadAllText(markdownPath), Is.EqualTo(DeployReportMarkdown.Render(data)));
        Assert.That(Directory.GetFiles(reportsDir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "20250307-120509-catalog.md", "20250307-120509-catalog.png" }),
            "no temp files left behind");
    }

    [Test]
    public void A_chart_that_cannot_be_drawn_costs_only_the_chart()
    {
        using var scratch = ScratchFolder.Reserve("reports");
        var data = SampleReports.Create(SampleReports.Roll(2));

        var (markdownPath, pngPath) = DeployReportWriter.Write(data, scratch.Path, (_, _) => throw new DllNotFoundException("libSkiaSharp.so: cannot open shared object file"));

        Assert.That(pngPath, Is.Null);
        var markdown = File.ReadAllText(markdownPath);
        Assert.That(markdown, Does.Contain("| web-1 |"), "the phases are all there");
        Assert.That(markdown, Does.Contain("The timeline chart could not be drawn on this machine (libSkiaSharp.so: cannot open shared object file)"));
        Assert.That(markdown, Does.Not.Contain("![timeline]"), "no link to a missing image");
        Assert.That(Directory.GetFiles(scratch.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "20250307-120509-catalog.md" }));
    }

    [Test]
    public void Any_other_failure_of_the_chart_is_not_hidden()
    {
        using var scratch = ScratchFolder.Reserve("reports");

        Assert.That(() => DeployReportWriter.Write(SampleReports.Create(SampleReports.Roll(1)), scratch.Path, (_, _) => throw new IOException("disk full")), Throws.InstanceOf<IOException>());
    }

    [Test]
    public void Writing_again_replaces_the_report()
    {
        using var scratch = ScratchFolder.Reserve("reports");
        var data = SampleReports.Create(SampleReports.Roll(2));
        DeployReportWriter.Write(data with { Succeeded = false, Error = "first try" }, scratch.Path);

        var (markdownPath, _) = DeployReportWriter.Write(data, scratch.Path);

        Assert.That(File.ReadAllText(markdownPath), Does.Not.Contain("first try"));
        Assert.That(Directory.GetFiles(scratch.Path), Has.Length.EqualTo(2));
    }
}
