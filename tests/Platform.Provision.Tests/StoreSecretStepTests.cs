using Platform.Core;
using Platform.Secrets;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

public sealed class StoreSecretStepTests
{
    private const string ConnectionString = "postgres://terraform:s3cret-pw@127.0.0.1:5432/tfstate";
    private string _root = null!;

    [SetUp]
    public async Task CreateEnvironment()
    {
        _root = RepositoryRoot.NewScratch("store-secret");
        Directory.CreateDirectory(Path.Combine(_root, "infra", "shop"));
        await File.WriteAllTextAsync(
            Path.Combine(_root, "infra", "shop", "platform.json"),
            """{ "terraformEnvironment": { "PG_CONN_STR": "secret:terraform/pg-conn-str", "TF_LOG": "WARN" } }""");
    }

    [TearDown]
    public void RemoveEnvironment() => RepositoryRoot.RemoveScratch(_root);

    [Test]
    public async Task Stores_the_value_from_standard_input_and_never_prints_it()
    {
        var said = new RecordingReporter();

        await Step(said, "terraform/pg-conn-str", ConnectionString + "\n").RunAsync();

        Assert.That(await Store().GetAsync("terraform/pg-conn-str"), Is.EqualTo(ConnectionString), "the line break echo adds is not part of it");
        Assert.That(said.Text, Does.Contain("terraform/pg-conn-str: stored in the local secrets store (new)").And.Not.Contain("s3cret-pw"));
    }

    [Test]
    public async Task The_same_value_again_changes_nothing_and_a_new_one_keeps_the_old_as_a_version()
    {
        await Step(new RecordingReporter(), "terraform/pg-conn-str", ConnectionString).RunAsync();
        var said = new RecordingReporter();

        await Step(said, "terraform/pg-conn-str", ConnectionString).RunAsync();
        await Step(said, "terraform/pg-conn-str", ConnectionString + "?sslmode=disable").RunAsync();

        Assert.That(said.Text, Does.Contain("terraform/pg-conn-str: ok").And.Contain("(changed; the previous value is kept as an earlier version)"));
        Assert.That((await Store().ReadAsync("terraform/pg-conn-str", 1))!.Value, Is.EqualTo(ConnectionString));
    }

    [Test]
    public async Task Check_mode_says_what_it_would_store_and_stores_nothing()
    {
        var said = new RecordingReporter();

        await Step(said, "terraform/pg-conn-str", ConnectionString, checkMode: true).RunAsync();

        Assert.That(said.Text, Does.Contain("would store terraform/pg-conn-str in the local secrets store (new)"));
        Assert.That(await Store().GetAsync("terraform/pg-conn-str"), Is.Null);
    }

    [TestCase("operators/mallory", "is not a secret", TestName = "A key platform.json does not ask for is refused")]
    [TestCase("", "--secret is required", TestName = "A missing key is refused, naming the keys asked for")]
    public async Task Refused_keys_store_nothing(string key, string message)
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => Step(new RecordingReporter(), key, ConnectionString).RunAsync());

        Assert.That(error!.Message, Does.Contain(message).And.Contain("terraform/pg-conn-str for PG_CONN_STR").And.Not.Contain("TF_LOG"));
        Assert.That(Directory.Exists(Path.Combine(_root, "state", "secrets")), Is.False);
    }

    [Test]
    public async Task An_empty_pipe_is_refused_with_how_to_give_the_value()
    {
        var empty = await Assert.ThrowsAsync<PlatformException>(() => Step(new RecordingReporter(), "terraform/pg-conn-str", "\n").RunAsync());

        Assert.That(empty!.Message, Does.Contain("standard input was empty")
            .And.Contain("printf '%s' \"$VALUE\" | ./build.sh --target=StoreSecret --environment=shop --secret=terraform/pg-conn-str"));
        Assert.That(Directory.Exists(Path.Combine(_root, "state", "secrets")), Is.False);
    }

    [Test]
    public async Task At_a_terminal_the_value_is_typed_twice_unseen()
    {
        var said = new RecordingReporter();
        var screen = new StringWriter();

        await Step(said, "terraform/pg-conn-str", string.Empty, typed: TypedKeys.Reader(screen, ConnectionString + "\r", ConnectionString + "\r")).RunAsync();

        Assert.That(await Store().GetAsync("terraform/pg-conn-str"), Is.EqualTo(ConnectionString));
        Assert.That(screen.ToString(), Does.Contain("Value for terraform/pg-conn-str (not shown").And.Contain("again, to confirm").And.Not.Contain("s3cret"));
        Assert.That(said.Text, Does.Contain("stored in the local secrets store (new)").And.Not.Contain("s3cret"));
    }

    [TestCase("s3cret\r", "s3cr3t\r", "the two values typed differ", TestName = "Two different values typed are refused")]
    [TestCase("s3cret\u001b", "", "given up (Escape)", TestName = "Escape gives up")]
    [TestCase("\r", "", "nothing was typed", TestName = "An empty value typed is refused")]
    public async Task A_value_typed_wrong_stores_nothing(string first, string second, string message)
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() =>
            Step(new RecordingReporter(), "terraform/pg-conn-str", string.Empty, typed: TypedKeys.Reader(new StringWriter(), first, second)).RunAsync());

        Assert.That(error!.Message, Does.Contain(message).And.Contain("Nothing was stored").And.Not.Contain("s3cr"));
        Assert.That(Directory.Exists(Path.Combine(_root, "state", "secrets")), Is.False);
    }

    private StoreSecretStep Step(IReporter reporter, string key, string input, bool checkMode = false, HiddenLineReader? typed = null)
    {
        var arguments = new Dictionary<string, string> { ["environment"] = "shop", ["state-dir"] = Path.Combine(_root, "state"), ["artifacts-dir"] = Path.Combine(_root, "artifacts") };
        if (key.Length > 0)
        {
            arguments["secret"] = key;
        }

        var run = RunContext.FromArguments(_root, RunArguments.From(arguments), checkMode, reporter);
        return new StoreSecretStep(run, new StringReader(input), typed);
    }

    private FileSecretStore Store() => new(Path.Combine(_root, "state", "secrets"));
}
