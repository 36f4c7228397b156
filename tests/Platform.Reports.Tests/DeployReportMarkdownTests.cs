using Platform.Reports;

namespace Platform.Reports.Tests;

public sealed class DeployReportMarkdownTests
{
    // web-1 has no verify, web-2 has no start; "backup" and "warmup" are not canonical phases.
    private static readonly ReportPhase[] Phases =
    [
        new("web-1", "upload", 0, 1.5),
        new("web-2", "upload", 0, 2),
        new("web-1", "warmup", 3.25, 3.5),
        new("web-1", "start", 1.5, 3.25),
        new("web-2", "backup", 2, 2.5),
        new("web-2", "verify", 5, 6.25),
    ];

    private static string[] Lines(string markdown) => markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    [Test]
    public void Table_has_a_row_per_node_with_phases_in_canonical_order()
    {
        var lines = Lines(DeployReportMarkdown.Render(SampleReports.Create(Phases)));

        var header = Array.IndexOf(lines, "| Node | upload | start | verify | backup | warmup | Total |");
        Assert.That(header, Is.GreaterThan(0), string.Join("\n", lines));
        Assert.That(lines[header + 2], Is.EqualTo("| web-1 | 1.50 | 1.75 | – | – | 0.25 | 3.50 |"));
        Assert.That(lines[header + 3], Is.EqualTo("| web-2 | 2.00 | – | 1.25 | 0.50 | – | 6.25 |"));
        Assert.That(lines[header + 4], Is.Empty, "exactly one row per node");
    }

    [Test]
    public void Hosts_are_in_name_order_with_numbers_compared_as_numbers_whatever_finished_first()
    {
        var lines = Lines(DeployReportMarkdown.Render(SampleReports.Create(
        [
            new("web-10", "connect", 0, 0.05),
            new("web-2", "connect", 0, 0.06),
            new("lb", "connect", 0, 0.07),
            new("web-1", "connect", 0, 0.08),
            new("lb", "lock", 0.07, 0.09),
        ])));

        var rows = lines.Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| Node", StringComparison.Ordinal) && !l.StartsWith("| ---", StringComparison.Ordinal))
            .Select(l => l.Split('|')[1].Trim());
        Assert.That(rows, Is.EqualTo(new[] { "lb", "web-1", "web-2", "web-10" }));
        Assert.That(lines, Has.Member("| Node | connect | lock | Total |"), "setup phases first, in the order they happen");
    }

    [Test]
    public void Names_the_slowest_phase_and_its_node_and_says_what_a_total_is()
    {
        var markdown = DeployReportMarkdown.Render(SampleReports.Create(Phases));

        Assert.That(markdown, Does.Contain("Slowest phase: upload on web-2 (2.00 s)"));
        Assert.That(markdown, Does.Contain("Total: from the start of the node's first phase to the end of its last, the waits between them included"));
    }

    [Test]
    public void A_phase_run_twice_on_a_node_counts_both_times()
    {
        var markdown = DeployReportMarkdown.Render(SampleReports.Create([new("web-1", "ready", 0, 1), new("web-1", "ready", 4, 6.5)]));

        Assert.That(markdown, Does.Contain("| web-1 | 3.50 | 6.50 |"));
    }

    [Test]
    public void The_slowest_phase_is_the_largest_cell_of_the_table()
    {
        // web-1's verify ran twice (2 x 0.1 s): its cell, 0.20 s, is larger than web-2's single 0.15 s.
        var markdown = DeployReportMarkdown.Render(SampleReports.Create([new("web-1", "verify", 0, 0.1), new("web-1", "verify", 1, 1.1), new("web-2", "verify", 0, 0.15)]));

        Assert.That(markdown, Does.Contain("Slowest phase: verify on web-1 (0.20 s)"));
    }

    [Test]
    public void Has_title_result_start_time_in_utc_and_duration()
    {
        var markdown = DeployReportMarkdown.Render(SampleReports.Create(Phases, duration: 42.5));

        Assert.That(markdown, Does.StartWith("# Deploy report: catalog 1.4.2 on staging"));
        Assert.That(markdown, Does.Contain("Result: **succeeded**"));
        Assert.That(markdown, Does.Contain("Started: 2025-03-07 12:05:09 UTC"));
        Assert.That(markdown, Does.Contain("Duration: 42.50 s"));
        Assert.That(markdown, Does.Not.Contain("## Error"));
    }

    [Test]
    public void A_failed_deploy_shows_its_error_in_a_code_block()
    {
        var data = SampleReports.Create(Phases) with { Succeeded = false, Error = "web-2 never became ready\nlast answer: 503" };

        var markdown = DeployReportMarkdown.Render(data);

        Assert.That(markdown, Does.Contain("Result: **failed**"));
        Assert.That(markdown, Does.Contain("## Error" + Environment.NewLine + Environment.NewLine + "```" + Environment.NewLine + "web-2 never became ready" + Environment.NewLine + "last answer: 503" + Environment.NewLine + "```"));
    }

    [Test]
    public void An_error_with_backticks_cannot_close_its_code_block_early()
    {
        var markdown = DeployReportMarkdown.Render(SampleReports.Create(Phases) with { Succeeded = false, Error = "bad ```fence```" });

        Assert.That(markdown, Does.Contain("````" + Environment.NewLine + "bad ```fence```" + Environment.NewLine + "````"));
    }

    [Test]
    public void The_runs_warnings_and_errors_follow_the_error_and_none_means_no_section()
    {
        var failed = SampleReports.Create(Phases) with { Succeeded = false, Error = "Verify failed on web-2", Problems = ["ERROR [verify] web-2: FAILED idle slot: 1.0 still runs on idle port 8081 (pid 7)", "WARN [discover] web-1: its record is damaged"] };

        var markdown = DeployReportMarkdown.Render(failed);

        Assert.That(markdown, Does.Contain(
            "## Warnings and errors" + Environment.NewLine + Environment.NewLine + "```" + Environment.NewLine +
            "ERROR [verify] web-2: FAILED idle slot: 1.0 still runs on idle port 8081 (pid 7)" + Environment.NewLine +
            "WARN [discover] web-1: its record is damaged" + Environment.NewLine + "```"));
        Assert.That(markdown.IndexOf("## Error", StringComparison.Ordinal), Is.LessThan(markdown.IndexOf("## Warnings and errors", StringComparison.Ordinal)));
        Assert.That(DeployReportMarkdown.Render(SampleReports.Create(Phases)), Does.Not.Contain("Warnings and errors"));
    }

    [Test]
    public void Recap_lines_are_in_a_code_block()
    {
        var markdown = DeployReportMarkdown.Render(SampleReports.Create(Phases));

        Assert.That(markdown, Does.Contain(
            "## Recap" + Environment.NewLine + Environment.NewLine + "```" + Environment.NewLine +
            "web-1  ok=3 changed=2 failed=0 skipped=0" + Environment.NewLine +
            "web-2  ok=3 changed=2 failed=0 skipped=1" + Environment.NewLine + "```"));
    }

    [Test]
    public void Load_section_shows_the_summary_and_the_second_with_most_failures()
    {
        ReportLoadSecond[] load = [new(0, 300, 0), new(1, 290, 7), new(2, 310, 9), new(3, 300, 9), new(4, 300, 0)];

        var markdown = DeployReportMarkdown.Render(SampleReports.Create(Phases, load));

        Assert.That(markdown, Does.Contain("## Load"));
        Assert.That(markdown, Does.Contain("12000 requests in 40.0 s (300/s), 0 failed, p50 2.1 ms, p99 9.0 ms"));
        Assert.That(markdown, Does.Contain("Worst second: 2 s, 9 of 310 requests failed."), "the earliest of equally bad seconds");
    }

    [Test]
    public void A_short_run_in_tenths_of_a_second_names_the_worst_tenth()
    {
        ReportLoadSecond[] load = [new(0, 30, 0, 0.1), new(0.1, 29, 0, 0.1), new(0.2, 31, 6, 0.1), new(0.3, 30, 2, 0.1)];

        var markdown = DeployReportMarkdown.Render(SampleReports.Create(Phases, load, duration: 0.4));

        Assert.That(markdown, Does.Contain("Worst 0.1 s: from 0.2 s, 6 of 31 requests failed."));
    }

    [Test]
    public void Load_without_failures_says_so() =>
        Assert.That(DeployReportMarkdown.Render(SampleReports.Create(Phases, [new(0, 300, 0)])), Does.Contain("Worst second: none, no request failed."));

    [Test]
    public void No_load_section_when_no_load_was_measured()
    {
        var markdown = DeployReportMarkdown.Render(SampleReports.Create(Phases, load: null));

        Assert.That(markdown, Does.Not.Contain("## Load"));
        Assert.That(markdown, Does.Not.Contain("Worst second"));
    }

    [Test]
    public void Embeds_the_png_by_the_file_name_the_writer_gives_it()
    {
        var data = SampleReports.Create(Phases);

        Assert.That(DeployReportMarkdown.Render(data), Does.Contain("![timeline](20250307-120509-catalog.png)"));
        Assert.That(ReportFileNames.Png(data), Is.EqualTo("20250307-120509-catalog.png"));
    }

    [Test]
    public void A_target_that_is_not_a_safe_file_name_is_made_one()
    {
        var data = SampleReports.Create(Phases) with { Target = "catalog/web blue" };

        Assert.That(ReportFileNames.Png(data), Is.EqualTo("20250307-120509-catalog-web-blue.png"));
        Assert.That(DeployReportMarkdown.Render(data), Does.Contain("![timeline](20250307-120509-catalog-web-blue.png)"));
    }

    [Test]
    public void A_pipe_in_a_node_name_does_not_split_the_table_cell() =>
        Assert.That(DeployReportMarkdown.Render(SampleReports.Create([new("a|b", "upload", 0, 1)])), Does.Contain("| a\\|b | 1.00 | 1.00 |"));

    [Test]
    public void Numbers_are_invariant_whatever_the_current_culture()
    {
        using var german = CultureScope.German();

        var markdown = DeployReportMarkdown.Render(SampleReports.Create(Phases, [new(1, 1234, 5)], duration: 42.5));

        Assert.That(markdown, Does.Contain("| web-1 | 1.50 | 1.75 | – | – | 0.25 | 3.50 |"));
        Assert.That(markdown, Does.Contain("Duration: 42.50 s"));
        Assert.That(markdown, Does.Contain("Worst second: 1 s, 5 of 1234 requests failed."));
        Assert.That(markdown, Does.Not.Contain("1,50"));
    }

    [Test]
    public void No_phases_still_makes_a_complete_report()
    {
        var markdown = DeployReportMarkdown.Render(SampleReports.Create([]));

        Assert.That(markdown, Does.Contain("No phases were recorded."));
        Assert.That(markdown, Does.Not.Contain("| Node |"));
        Assert.That(markdown, Does.Not.Contain("Slowest phase"));
        Assert.That(markdown, Does.Contain("## Recap"));
        Assert.That(markdown, Does.Contain("![timeline](20250307-120509-catalog.png)"));
    }

    [Test]
    public void Steps_and_the_whole_run_are_shown_when_known()
    {
        var sample = SampleReports.Create([]);
        var markdown = DeployReportMarkdown.Render(sample with { Steps = ["ExpandDb: applied V5__tags.sql (schema now 5)"], RunStartedAt = sample.StartedAt.AddSeconds(-40) });

        Assert.That(markdown, Does.Contain("## Steps" + Environment.NewLine + Environment.NewLine + "- ExpandDb: applied V5__tags.sql (schema now 5)"));
        Assert.That(markdown, Does.Contain("- Whole run: 80.00 s (the steps before the first connection included"), "40 s before the first connection and the 40 s timeline");
        Assert.That(DeployReportMarkdown.Render(sample), Does.Not.Contain("## Steps").And.Not.Contain("Whole run"), "a run with neither shows neither");
    }

    [Test]
    public void A_run_that_recapped_nothing_has_no_empty_recap_block()
    {
        var markdown = DeployReportMarkdown.Render(SampleReports.Create([]) with { RecapLines = [] });

        Assert.That(markdown, Does.Not.Contain("## Recap"));
        Assert.That(markdown, Does.Contain("## Timeline"));
    }

    [Test]
    public void A_failed_or_stopped_phase_is_marked_in_its_cell_and_the_marks_explained()
    {
        var markdown = DeployReportMarkdown.Render(SampleReports.Create(
        [
            new("web-1", "ready", 0, 5.25) { Ended = "failed" },
            new("web-2", "ready", 0, 1.5) { Ended = "stopped" },
            new("web-3", "ready", 0, 0.5),
            new("web-3", "verify", 1, 1.25) { Ended = "failed" },
            new("web-3", "verify", 2, 2.25),
        ]));

        Assert.That(markdown, Does.Contain("| web-1 | 5.25 (failed) |").And.Contain("| web-2 | 1.50 (stopped) |").And.Contain("| web-3 | 0.50 | 0.50 |"), "a retry that went well clears the mark");
        Assert.That(markdown, Does.Contain("(failed): the phase failed; (stopped): it was cut short"));
        Assert.That(DeployReportMarkdown.Render(SampleReports.Create(SampleReports.Roll(2))), Does.Not.Contain("(stopped): it was cut short"), "explained only when used");
    }

    [Test]
    public void A_phase_shorter_than_the_table_shows_reads_as_under_a_hundredth_not_as_zero()
    {
        var markdown = DeployReportMarkdown.Render(SampleReports.Create([new("web-1", "upload", 0, 0.003), new("web-1", "drain", 0.003, 0.003), new("web-1", "verify", 1, 1.25)]));

        Assert.That(markdown, Does.Contain("| web-1 | <0.01 | 0.00 | 0.25 |"), "a drain with nothing to wait for took no time at all");
    }

    [Test]
    public void A_run_limited_to_one_node_says_so_and_a_run_refused_before_its_release_was_known_shows_no_dash()
    {
        var one = DeployReportMarkdown.Render(SampleReports.Create(SampleReports.Roll(2)) with { Target = "RollNode", OnlyNode = "web-2" });
        var refused = DeployReportMarkdown.Render(SampleReports.Create([]) with { Target = "Rollback", Version = "-", Succeeded = false });

        Assert.That(one, Does.StartWith("# Deploy report: RollNode 1.4.2 on staging").And.Contain("- Only web-2 (--node=web-2); the other hosts were only connected to"));
        Assert.That(refused, Does.StartWith("# Deploy report: Rollback on staging"));
        Assert.That(DeployReportMarkdown.Render(SampleReports.Create(SampleReports.Roll(2))), Does.Not.Contain("- Only "));
    }

    [Test]
    public void A_run_stopped_by_a_signal_reads_interrupted_not_failed()
    {
        var data = SampleReports.Create(SampleReports.Roll(2)) with { Succeeded = false, Error = "Stopped by SIGINT" };

        Assert.That(DeployReportMarkdown.Render(data with { Interrupted = true }), Does.Contain("- Result: **interrupted**"));
        Assert.That(DeployReportMarkdown.Render(data), Does.Contain("- Result: **failed**"));
    }
}
