using Platform.Core;
using Platform.TestSupport;

namespace Platform.Core.Tests;

public sealed class BasicsTests
{
    [Test]
    public void Atomic_write_creates_the_file_with_its_mode_and_leaves_no_temp_file()
    {
        var dir = RepositoryRoot.NewScratch("atomic");
        try
        {
            var path = Path.Combine(dir, "secret");
            AtomicFile.WriteAllText(path, "one", AtomicFile.OwnerOnly);
            AtomicFile.WriteAllText(path, "two", AtomicFile.OwnerOnly);

            Assert.That(File.ReadAllText(path), Is.EqualTo("two"));
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1));
        }
        finally
        {
            RepositoryRoot.RemoveScratch(dir);
        }
    }

    [Test]
    public void Bad_numbers_name_the_argument_and_the_expected_range()
    {
        var args = RunArguments.From(new Dictionary<string, string> { ["batch-size"] = "many", ["ready-timeout"] = "-3" });

        Assert.That(() => args.GetInt("batch-size", 1, min: 1, max: 10), Throws.TypeOf<PlatformException>().With.Message.Contains("--batch-size=many").And.Message.Contains("1 to 10"));
        Assert.That(() => args.GetSeconds("ready-timeout", TimeSpan.FromSeconds(30)), Throws.TypeOf<PlatformException>().With.Message.Contains("--ready-timeout=-3"));
        Assert.That(() => RunArguments.From(new Dictionary<string, string> { ["ready-timeout"] = "NaN" }).GetSeconds("ready-timeout", TimeSpan.FromSeconds(30)), Throws.TypeOf<PlatformException>().With.Message.Contains("--ready-timeout=NaN"), "NaN compares false with every bound");
        Assert.That(() => RunArguments.From(new Dictionary<string, string> { ["ready-timeout"] = "90000" }).GetSeconds("ready-timeout", TimeSpan.FromSeconds(30)), Throws.TypeOf<PlatformException>().With.Message.Contains("at most 86400"), "the bound is said");
        Assert.That(args.GetInt("absent", 7), Is.EqualTo(7));
    }

    [Test]
    [NonParallelizable]
    public void Paths_the_user_typed_are_taken_from_where_build_sh_ran_else_from_the_repository()
    {
        var before = Environment.GetEnvironmentVariable(UserPath.CallerDirVariable);
        try
        {
            Environment.SetEnvironmentVariable(UserPath.CallerDirVariable, null);
            Assert.That(UserPath.Resolve("plans/p.tfplan", "/repo"), Is.EqualTo("/repo/plans/p.tfplan"));
            Assert.That(UserPath.Resolve("/abs/p.tfplan", "/repo"), Is.EqualTo("/abs/p.tfplan"));

            Environment.SetEnvironmentVariable(UserPath.CallerDirVariable, "/home/alice/work");
            Assert.That(UserPath.Resolve("../keys/alice.pub", "/repo"), Is.EqualTo("/home/alice/keys/alice.pub"));
            var run = RunContext.FromArguments("/repo", RunArguments.From(new Dictionary<string, string> { ["state-dir"] = "state" }), false, new RecordingReporter());
            Assert.That(run.Layout.StateDir, Is.EqualTo("/home/alice/work/state"));
            Assert.That(run.UserPath("p.tfplan"), Is.EqualTo("/home/alice/work/p.tfplan"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(UserPath.CallerDirVariable, before);
        }
    }

    [Test]
    public void Fractions_and_lists_are_read_within_their_range_or_refused_naming_the_argument()
    {
        var good = RunArguments.From(new Dictionary<string, string> { ["max-5xx-rate"] = "0.05", ["bench-nodes"] = "3, 12" });
        var bad = RunArguments.From(new Dictionary<string, string> { ["max-5xx-rate"] = "1%", ["bench-nodes"] = "3,x" });
        var outside = RunArguments.From(new Dictionary<string, string> { ["max-5xx-rate"] = "2", ["bench-nodes"] = "0" });

        Assert.That(good.GetNumber("max-5xx-rate", 0.01, 0, 1), Is.EqualTo(0.05));
        Assert.That(good.GetIntList("bench-nodes", [3, 6, 12], 1, 50), Is.EqualTo(new[] { 3, 12 }));
        Assert.That(RunArguments.Empty.GetNumber("max-5xx-rate", 0.01, 0, 1), Is.EqualTo(0.01));
        Assert.That(RunArguments.Empty.GetIntList("bench-nodes", [3, 6, 12], 1, 50), Is.EqualTo(new[] { 3, 6, 12 }));
        Assert.That(() => bad.GetNumber("max-5xx-rate", 0.01, 0, 1), Throws.TypeOf<PlatformException>().With.Message.EqualTo("--max-5xx-rate=1% is not valid: expected a number from 0 to 1 (e.g. --max-5xx-rate=0.01)."));
        Assert.That(() => outside.GetNumber("max-5xx-rate", 0.01, 0, 1), Throws.TypeOf<PlatformException>().With.Message.Contains("--max-5xx-rate=2"));
        Assert.That(() => bad.GetIntList("bench-nodes", [3, 6, 12], 1, 50), Throws.TypeOf<PlatformException>().With.Message.EqualTo("--bench-nodes=3,x is not valid: expected whole numbers from 1 to 50 separated by commas (e.g. --bench-nodes=3,6,12)."));
        Assert.That(() => outside.GetIntList("bench-nodes", [3, 6, 12], 1, 50), Throws.TypeOf<PlatformException>().With.Message.Contains("--bench-nodes=0"));
    }

    [Test]
    public void Repeated_arguments_keep_every_value_and_the_last_wins_for_single_reads()
    {
        var args = new RunArguments(name => name == "var" ? ["a=1", "b=2"] : []);

        Assert.That(args.All("var"), Is.EqualTo(new[] { "a=1", "b=2" }));
        Assert.That(args.Get("var"), Is.EqualTo("b=2"));
        Assert.That(args.Has("nope"), Is.False);
    }

    [Test]
    public void Recap_counts_per_host_like_ansible()
    {
        var recap = new Recap();
        recap.Record("web-1", Outcome.Ok);
        recap.Record("web-1", Outcome.Changed);
        recap.Record("web-10", Outcome.Failed);

        Assert.That(recap.Lines(), Is.EqualTo(new[]
        {
            "web-1   ok=1 changed=1 failed=0 skipped=0",
            "web-10  ok=0 changed=0 failed=1 skipped=0",
        }));
        Assert.That(recap.HasFailures);
        Assert.That(Recap.TitleFor("RollNode", checkMode: false), Is.EqualTo("ROLLNODE RECAP"));
        Assert.That(Recap.TitleFor("RollNode", checkMode: true), Is.EqualTo("ROLLNODE RECAP (check mode)"), "a dry run's tally is of what it would do");
    }

    [Test]
    public void Recap_lines_end_with_how_each_host_ended_when_said()
    {
        var recap = new Recap(["web-1", "web-2", "web-3"]);
        recap.Record("web-1", Outcome.Changed);
        recap.Conclude("web-1", "rolled to 1.1.0");
        recap.Record("web-3", Outcome.Skipped);
        recap.Conclude("web-3", "skipped: the progress deadline ran out");

        Assert.That(recap.Lines(), Is.EqualTo(new[]
        {
            "web-1  ok=0 changed=1 failed=0 skipped=0  rolled to 1.1.0",
            "web-2  ok=0 changed=0 failed=0 skipped=0",
            "web-3  ok=0 changed=0 failed=0 skipped=1  skipped: the progress deadline ran out",
        }));
    }

    [Test]
    public async Task A_failing_command_reports_its_exit_code_and_stderr_tail()
    {
        var runner = new CommandRunner(new RecordingReporter(), new SecretRedactor());

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => runner.RunAsync("sh", ["-c", "echo first >&2; echo last-line >&2; exit 3"]));

        Assert.That(error!.ExitCode, Is.EqualTo(3));
        Assert.That(error.Message, Does.Contain("exited with code 3").And.Contain("last-line"));
    }

    [Test]
    public async Task A_failing_streamed_command_points_at_its_output_instead_of_repeating_it()
    {
        var reporter = new RecordingReporter();
        var runner = new CommandRunner(reporter, new SecretRedactor());

        var error = await Assert.ThrowsAsync<CommandFailedException>(() => runner.RunAsync("sh", ["-c", "printf '%s-%s\\n' the cause >&2; exit 1"], new CommandOptions { Stream = true }));

        Assert.That(reporter.Text, Does.Contain("the-cause"), "shown as it came");
        Assert.That(error!.Message, Does.Contain("exited with code 1; its output is above").And.Not.Contain("the-cause"));
        Assert.That(error.StandardErrorTail, Does.Contain("the-cause"), "still there for callers");
    }

    // Terraform's providers, a release's build and its smoke tests are other people's code: they get
    // Platform's Vault login only when a caller hands it over on purpose.
    [Test]
    [NonParallelizable]
    public async Task Programs_run_without_the_vault_login_unless_it_is_handed_to_them()
    {
        var runner = new CommandRunner(new RecordingReporter(), new SecretRedactor());
        var before = Environment.GetEnvironmentVariable("VAULT_SECRET_ID");
        Environment.SetEnvironmentVariable("VAULT_SECRET_ID", "s3cr3t-id");
        Environment.SetEnvironmentVariable("PLATFORM_TEST_INHERITED", "kept");
        try
        {
            const string Print = "echo \"${VAULT_SECRET_ID-withheld} ${PLATFORM_TEST_INHERITED-lost}\"";
            var plain = await runner.RunAsync("sh", ["-c", Print]);
            var handed = await runner.RunAsync("sh", ["-c", Print], new CommandOptions { Environment = new Dictionary<string, string?> { ["VAULT_SECRET_ID"] = "given" } });

            Assert.That(plain.StandardOutput.Trim(), Is.EqualTo("withheld kept"));
            Assert.That(handed.StandardOutput.Trim(), Is.EqualTo("given kept"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("VAULT_SECRET_ID", before);
            Environment.SetEnvironmentVariable("PLATFORM_TEST_INHERITED", null);
        }
    }

    // A cloud token or state backend's connection string exported in the shell (platform.json's documented fallback for a
    // secret:KEY value) reaches Terraform, which is given it by name, and no other program a run starts.
    [Test]
    [NonParallelizable]
    public async Task The_variables_platform_json_gives_terraform_are_withheld_from_every_other_program()
    {
        using var repository = ScratchFolder.Create("withheld");
        var infra = Path.Combine(repository.Path, "infra", "cloud");
        Directory.CreateDirectory(infra);
        File.WriteAllText(Path.Combine(infra, "platform.json"), """{ "terraformEnvironment": { "PG_CONN_STR": "secret:terraform/pg", "TF_VAR_region": "ams3" } }""");
        var run = new RunContext(new EnvironmentLayout(repository.Path, "cloud"), RunArguments.Empty, false, new RecordingReporter());
        Environment.SetEnvironmentVariable("PG_CONN_STR", "postgres://tf:hunter2hunter@db/state");
        try
        {
            var plain = await run.Commands.RunAsync("sh", ["-c", "echo \"${PG_CONN_STR-withheld}\""]);
            var terraform = await run.Commands.RunAsync("sh", ["-c", "echo \"${PG_CONN_STR-withheld}\""], new CommandOptions { Environment = new Dictionary<string, string?> { ["PG_CONN_STR"] = "given" } });

            Assert.That((plain.StandardOutput.Trim(), terraform.StandardOutput.Trim()), Is.EqualTo(("withheld", "given")));
            Assert.That(run.Commands.Withheld, Does.Contain("VAULT_TOKEN").And.Not.Contain("TF_VAR_region"), "a plain value is no secret");
        }
        finally
        {
            Environment.SetEnvironmentVariable("PG_CONN_STR", null);
        }
    }

    [Test]
    public async Task A_missing_program_says_so()
    {
        var runner = new CommandRunner(new RecordingReporter(), new SecretRedactor());

        var error = await Assert.ThrowsAsync<PlatformException>(() => runner.RunAsync("no-such-program-here", []));

        Assert.That(error!.Message, Does.Contain("no-such-program-here").And.Contain("PATH"));
    }
}
