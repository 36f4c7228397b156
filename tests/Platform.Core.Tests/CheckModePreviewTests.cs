using Platform.TestSupport;

namespace Platform.Core.Tests;

public sealed class CheckModePreviewTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDir() => _dir = RepositoryRoot.NewScratch("preview");

    [TearDown]
    public void RemoveDir() => RepositoryRoot.RemoveScratch(_dir);

    [Test]
    public async Task Steps_on_hosts_wait_for_the_first_apply()
    {
        var (run, said) = Run();
        var asked = new List<string>();

        await CheckModePreview.RunAsync(run, ["Plan", "Apply", "SeedKeys"], Steps(asked));

        Assert.That(asked, Is.EqualTo(new[] { "Plan", "Apply" }));
        Assert.That(said.Text, Does.Contain("--- SeedKeys (check) ---").And.Contain("The environment has no hosts yet"));
    }

    [Test]
    public async Task A_host_apply_would_start_again_turns_a_failed_check_into_a_warning_and_the_preview_goes_on()
    {
        var (run, said) = Run();
        await WriteInventoryAsync(run);
        var asked = new List<string>();
        var steps = Steps(asked);
        steps["Apply"] = r =>
        {
            r.HostsApplyWouldStart.Add("web-1");
            r.HostsApplyWouldStart.Add("lb");
            return Task.CompletedTask;
        };
        steps["SeedKeys"] = _ => throw new PlatformException("Cannot reach 'web-1' at 127.0.10.11:2222: Connection refused. Is the environment up? Replace it with …");

        await CheckModePreview.RunAsync(run, ["Plan", "Apply", "SeedKeys", "Stage"], steps);

        Assert.That(asked, Is.EqualTo(new[] { "Plan", "Stage" }), "the steps after it are still checked");
        var warning = said.Lines.Single(l => l.StartsWith("WARN SeedKeys could not be checked in full: Apply would first start again what stopped on lb, web-1", StringComparison.Ordinal));
        Assert.That(warning, Does.Contain("(Cannot reach 'web-1' at 127.0.10.11:2222: Connection refused)").And.Not.Contain("Replace it"), "the first sentence: the advice after it is what Apply does");
    }

    [Test]
    public async Task Without_hosts_to_start_a_failed_check_fails_the_run()
    {
        var (run, _) = Run();
        await WriteInventoryAsync(run);
        var steps = Steps([]);
        steps["SeedKeys"] = _ => throw new PlatformException("Cannot reach 'web-1'");

        Assert.That(() => CheckModePreview.RunAsync(run, ["SeedKeys"], steps), Throws.TypeOf<PlatformException>().With.Message.Contains("Cannot reach"));
    }

    [Test]
    public async Task A_failure_off_the_hosts_is_never_softened()
    {
        var (run, _) = Run();
        await WriteInventoryAsync(run);
        run.HostsApplyWouldStart.Add("web-1");
        var steps = Steps([]);
        steps["Package"] = _ => throw new PlatformException("does not build");

        Assert.That(() => CheckModePreview.RunAsync(run, ["Package"], steps), Throws.TypeOf<PlatformException>().With.Message.Contains("does not build"));
    }

    private (RunContext Run, RecordingReporter Said) Run()
    {
        var said = new RecordingReporter();
        var run = RunContext.FromArguments(_dir, RunArguments.From(new Dictionary<string, string> { ["state-dir"] = Path.Combine(_dir, "state"), ["artifacts-dir"] = Path.Combine(_dir, "artifacts") }), true, said);
        return (run, said);
    }

    private static async Task WriteInventoryAsync(RunContext run)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(run.Layout.InventoryFile)!);
        await File.WriteAllTextAsync(run.Layout.InventoryFile, "{}");
    }

    private static Dictionary<string, Func<RunContext, Task>> Steps(List<string> asked) =>
        new[] { "Plan", "Apply", "Package", "SeedKeys", "Stage" }.ToDictionary(n => n, n => (Func<RunContext, Task>)(_ =>
        {
            asked.Add(n);
            return Task.CompletedTask;
        }));
}
