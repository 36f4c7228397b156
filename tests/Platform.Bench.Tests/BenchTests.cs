using Platform.Core;
using Platform.Deploy;
using Platform.Load;
using Platform.TestSupport;

namespace Platform.Bench.Tests;

public sealed class BenchTests
{
    [Test]
    public async Task Check_mode_says_what_it_would_measure_and_measures_nothing()
    {
        var reporter = new RecordingReporter();
        var arguments = RunArguments.From(new Dictionary<string, string> { ["bench-runs"] = "2", ["bench-nodes"] = "3,12", ["bench-rps"] = "500" });
        var run = new RunContext(new EnvironmentLayout(RepositoryRoot.Path, "local"), arguments, checkMode: true, reporter);

        var results = await new BenchmarkStep(run).RunAsync();

        Assert.That(reporter.Text, Does.Contain("Check mode: would benchmark 2 runs of each measure at 500 requests/s, scaling over 3, 12 nodes."));
        Assert.That(results.Runs, Is.EqualTo(2));
    }

    [TestCase("bench-runs", "0")]
    [TestCase("bench-nodes", "3,x")]
    [TestCase("bench-rps", "fast")]
    public void A_bad_option_is_refused_naming_it_before_anything_runs(string name, string value)
    {
        var run = new RunContext(new EnvironmentLayout(RepositoryRoot.Path, "local"), RunArguments.From(new Dictionary<string, string> { [name] = value }), checkMode: true, new RecordingReporter());

        Assert.That(async () => await new BenchmarkStep(run).RunAsync(), Throws.TypeOf<PlatformException>().With.Message.Contains($"--{name}"));
    }

    [Test]
    public void A_cpu_sample_adds_busy_fields_and_keeps_steal_apart()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice, in hundredths of a second
        var sample = CpuSample.Parse("cpu  1000 50 300 90000 20 7 13 40 0 0");

        Assert.That(sample.BusySeconds, Is.EqualTo(13.70).Within(1e-9), "user + nice + system + irq + softirq; idle and iowait are not busy");
        Assert.That(sample.StealSeconds, Is.EqualTo(0.40).Within(1e-9));
    }

    [Test]
    public void The_difference_of_two_samples_is_what_a_run_used()
    {
        var used = CpuSample.Parse("cpu 1200 50 400 90100 20 7 13 55 0 0") - CpuSample.Parse("cpu 1000 50 300 90000 20 7 13 40 0 0");

        Assert.That(used.BusySeconds, Is.EqualTo(3.0), "exact: whole ticks");
        Assert.That(used.StealSeconds, Is.EqualTo(0.15));
    }

    [TestCase("cpu0 1 2 3 4 5 6 7 8")]
    [TestCase("cpu 1 2 3")]
    public void A_line_that_is_not_the_aggregate_one_is_refused(string line) =>
        Assert.That(() => CpuSample.Parse(line), Throws.TypeOf<FormatException>().With.Message.Contains(line));

    [Test]
    public void This_machines_cpu_sample_is_the_aggregate_line_and_only_grows()
    {
        var first = CpuSample.Read();
        Assume.That(first, Is.Not.Null, "no /proc/stat here");
        var line = CpuSample.Parse(File.ReadLines("/proc/stat").First());
        var second = CpuSample.Read()!.Value;

        // Read between two reads of the same line: at most the ticks that passed in between apart.
        Assert.That(first!.Value.BusySeconds, Is.GreaterThan(0).And.LessThanOrEqualTo(line.BusySeconds));
        Assert.That(line.BusySeconds, Is.LessThanOrEqualTo(second.BusySeconds).And.EqualTo(first.Value.BusySeconds).Within(1.0));
        Assert.That(second.StealSeconds, Is.GreaterThanOrEqualTo(first.Value.StealSeconds));
    }

    [Test]
    public void Scaling_takes_medians_and_says_how_busy_the_cores_were()
    {
        var scaling = ScalingMeasure.Of(12, 3, [1.4, 1.2, 1.3], [new(2.0, 0.1), new(2.6, 0.3), new(2.4, 0.2)]);

        Assert.That(scaling.Seconds, Is.EqualTo(1.3));
        Assert.That(scaling.CpuSeconds, Is.EqualTo(2.4));
        Assert.That(scaling.StealSeconds, Is.EqualTo(0.2));
        Assert.That(scaling.CoreShare(2), Is.EqualTo(2.4 / 2.6).Within(1e-9));
        Assert.That(ScalingMeasure.Of(3, 1, [0.5], []).CoreShare(2), Is.Null, "no CPU figure where the machine gives none");
    }

    [Test]
    public void The_report_shows_cpu_where_measured_and_a_dash_where_not()
    {
        var results = Results() with
        {
            Scaling = [ScalingMeasure.Of(12, 3, [1.3], [new(2.6, 0.2)]), ScalingMeasure.Of(3, 1, [0.5], [])],
            Targets = new Dictionary<string, bool> { ["12 nodes at batch 3 <= 1.3 x 3 nodes at batch 1"] = false },
        };

        var md = BenchReport.Render(results);

        Assert.That(md, Does.Contain("| 12 | 3 | 1.30 | 1.30 | 2.60 | 100% | 0.20 |"));
        Assert.That(md, Does.Contain("| 3 | 1 | 0.50 | 0.50 | - | - | - |"));
        Assert.That(md, Does.Contain("❌ missed").And.Contain("12 nodes at batch 3"));
    }

    [Test]
    public void The_scaling_target_compares_12_nodes_at_batch_3_with_1_3_times_3_nodes_at_batch_1()
    {
        ScalingMeasure Measure(int nodes, int batch, double seconds) => ScalingMeasure.Of(nodes, batch, [seconds], []);
        Assert.That(ScalingTarget.Met([Measure(3, 1, 0.5), Measure(12, 3, 0.65)]), Is.True, "exactly at the limit");
        Assert.That(ScalingTarget.Met([Measure(3, 1, 0.5), Measure(12, 3, 0.66)]), Is.False);
        Assert.That(ScalingTarget.Met([Measure(3, 3, 0.5), Measure(12, 3, 0.3)]), Is.False, "batch 3 is not the baseline");
        Assert.That(ScalingTarget.Met([Measure(12, 3, 0.3)]), Is.False, "no baseline measured");
    }

    [Test]
    public void The_report_says_when_the_cores_alone_rule_the_scaling_target_out()
    {
        // 2.6 s of CPU on 2 cores is at least 1.30 s; the target is 1.3 x 0.5 = 0.65 s.
        var bound = Results() with { Cores = 2, Scaling = [ScalingMeasure.Of(12, 3, [1.3], [new(2.6, 0)]), ScalingMeasure.Of(3, 1, [0.5], [])] };
        Assert.That(BenchReport.Render(bound), Does.Contain("used 2.60 s of CPU: spread over all 2 cores that alone takes 1.30 s, more than the target's 0.65 s (1.3 × 0.50 s)")
            .And.Contain("only on 4 cores or more"));

        // The same work on 8 cores takes at least 0.33 s: the CPU does not rule the target out.
        var roomy = bound with { Cores = 8 };
        Assert.That(BenchReport.Render(roomy), Does.Contain("0.33 s spread over all 8 cores, within the target's 0.65 s: the CPU used does not by itself rule the target out"));

        var noBaseline = bound with { Scaling = [ScalingMeasure.Of(12, 3, [1.3], [new(2.6, 0)])] };
        Assert.That(BenchReport.ScalingCpuBound(noBaseline), Is.Null, "no 3-node figure, no target to compare with");

        var unmeasured = bound with { Scaling = [ScalingMeasure.Of(12, 3, [1.3], []), ScalingMeasure.Of(3, 1, [0.5], [])] };
        Assert.That(BenchReport.ScalingCpuBound(unmeasured), Is.Null, "no CPU figure, no claim");
    }

    [Test]
    public void A_rolls_floor_is_start_to_ready_plus_drain_per_node()
    {
        var load = new LoadReport(TimeSpan.FromSeconds(7), 21000, 0, new Dictionary<string, int>(), [], 1.5, 12.0);
        PhaseSpan[] spans =
        [
            new("lb", "connect", 0.0, 0.08),
            new("web-1", "connect", 0.0, 0.1),
            new("lb", "lock", 0.08, 0.12),
            new("web-1", "discover", 0.1, 0.15),
            new("web-1", "upload", 0.0, 2.0),
            new("web-1", "start", 2.0, 2.1),
            new("web-1", "ready", 2.1, 2.25),
            new("web-1", "drain", 2.25, 2.26),
            new("web-1", "verify", 2.26, 2.28),
            new("web-2", "start", 2.3, 2.35),
            new("web-2", "ready", 2.35, 2.5),
            new("web-2", "drain", 2.5, 2.55),
            new("web-2", "stop", 2.55, 2.6),
        ];

        var roll = BenchSummary.Measure(2.7, load, spans);

        Assert.That(roll.Nodes.Select(n => n.Node), Is.EqualTo(new[] { "web-1", "web-2" }), "the lb was not rolled: no floor of its own");
        Assert.That(roll.Nodes[0].StartToReadySeconds, Is.EqualTo(0.25).Within(1e-9), "upload and verify are not part of the floor");
        Assert.That(roll.Nodes[1].DrainSeconds, Is.EqualTo(0.05).Within(1e-9));
        Assert.That(roll.FloorSeconds, Is.EqualTo(0.25 + 0.01 + 0.2 + 0.05).Within(1e-9));
        Assert.That(roll.Requests, Is.EqualTo(21000));
        Assert.That(roll.SetupSeconds, Is.EqualTo(2.0).Within(1e-9), "until web-1 started the new release");
        Assert.That(roll.ConnectSeconds, Is.EqualTo(0.1).Within(1e-9), "until the last connection was up");
        Assert.That(roll.VerifySeconds, Is.EqualTo(0.02).Within(1e-9));
    }

    [Test]
    public void The_report_says_where_the_rolls_time_went()
    {
        var results = Results() with
        {
            Roll = new RollMeasure { Seconds = 0.6, SetupSeconds = 0.15, ConnectSeconds = 0.1, FloorSeconds = 0.35, VerifySeconds = 0.04 },
        };

        var md = BenchReport.Render(results);

        Assert.That(md, Does.Contain("Where the median roll's 0.60 s went: 0.15 s before the first node started (SSH connections up after 0.10 s"));
        Assert.That(md, Does.Contain("the floor's 0.35 s, 0.04 s of checks after the switches, and 0.06 s for the rest"));

        var overlapped = BenchReport.Render(results with { Roll = results.Roll with { Seconds = 0.45 } });
        Assert.That(overlapped, Does.Contain("together more than the roll by 0.09 s, because N+1 starts ahead on the next node"), "phases that overlap are not a negative rest");
    }

    [Test]
    public void The_report_shows_the_stage_before_each_roll_only_when_the_runs_staged_apart()
    {
        RollMeasure Run(double seconds, double? stage) => new() { Seconds = seconds, StageSeconds = stage };
        var staged = Results() with { Roll = Run(0.8, 0.45), RollRuns = [Run(0.9, 0.5), Run(0.8, 0.45), Run(0.7, 0.4)] };

        Assert.That(BenchReport.Render(staged), Does.Contain("| Stage N+1 on 3 nodes, just before the roll (s) | 0.45 | 0.50, 0.45, 0.40 |"));
        Assert.That(BenchReport.Render(Results() with { Roll = Run(0.8, null), RollRuns = [Run(0.8, null)] }), Does.Not.Contain("Stage N+1"));
    }

    [Test]
    public void The_report_shows_the_strictly_serial_roll_beside_the_default_one_when_measured()
    {
        var serial = new RollMeasure { Seconds = 0.9, FloorSeconds = 0.5 };
        var md = BenchReport.Render(Results() with { RollSerial = serial, RollSerialRuns = [serial] });

        Assert.That(md, Does.Contain("| Roll with `--surge=0` (one node strictly after another) (s) / floor (s) / failed | 0.90 / 0.50 / 0 | 0.90/0.50/0 |"));
        Assert.That(BenchReport.Render(Results()), Does.Not.Contain("--surge=0"));
    }

    [Test]
    public void One_run_that_lost_requests_misses_the_zero_downtime_target_and_the_report_says_what_failed()
    {
        RollMeasure Run(double seconds, int failed) => new()
        {
            Seconds = seconds,
            Requests = 24000,
            Failed = failed,
            FloorSeconds = seconds,
            FailuresByKind = failed == 0 ? new Dictionary<string, int>() : new Dictionary<string, int> { ["client saturated"] = failed },
        };

        var results = BenchSummary.Summarize(3, [6.0], [3.0], [Run(0.7, 0), Run(9.9, 3097), Run(0.8, 12)], [], [], []);

        Assert.That(results.Roll.Seconds, Is.EqualTo(0.8), "the median roll");
        Assert.That(results.Roll.Failed, Is.EqualTo(3097), "failures are the worst run's, not the median's");
        Assert.That(results.Targets.Single(t => t.Key.StartsWith("roll.failed", StringComparison.Ordinal)).Value, Is.False);
        Assert.That(BenchReport.Render(results), Does.Contain("by kind: client saturated 3097"), "the worst run's kinds, adding up to its failures");
        Assert.That(results.Roll.FailuresByKind.Values.Sum(), Is.EqualTo(results.Roll.Failed));
        Assert.That(BenchSummary.Summarize(3, [6.0], [3.0], [Run(0.7, 0), Run(0.8, 0)], [], [], []).Targets.Single(t => t.Key.StartsWith("roll.failed", StringComparison.Ordinal)).Value, Is.True);
    }

    private static BenchResults Results() => new()
    {
        Created = DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        Runs = 3,
        Machine = "vm, 2 cores",
        Cores = 2,
    };
}
