using CliWrap;
using CliWrap.Buffered;
using Platform.Core;
using Platform.TestSupport;

namespace Platform.Provision.Tests;

/// <summary>
/// <c>.ci/plan-seal</c>, which carries the saved plan (secrets in clear) from GitHub's plan job to the
/// approved deploy job through a downloadable artifact: sealed to a public key, opened only with the
/// private key, and a wrong or missing key changes nothing. Real gpg, with throwaway key pairs.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class PlanSealTests
{
    private const string Plan = "terraform plan with db_password=s3cr3t-in-clear";
    private const string Vars = """{"app_nodes":"4"}""";

    private string _dir = null!;
    private (string Public, string Private) _pair;
    private (string Public, string Private) _other;

    [OneTimeSetUp]
    public async Task MakeKeyPairs()
    {
        _dir = RepositoryRoot.NewScratch("planseal");
        _pair = await KeyPairAsync("pair");
        _other = await KeyPairAsync("other");
    }

    [OneTimeTearDown]
    public void RemoveScratch() => RepositoryRoot.RemoveScratch(_dir);

    [Test]
    public async Task A_sealed_plan_opens_only_with_the_private_key_into_owner_only_files()
    {
        var job = NewPlanFolder();

        var sealedRun = await SealAsync(job, _pair.Public);
        var sealedFile = Path.Combine(job, "plan-file.tar.gpg");
        File.Delete(Path.Combine(job, "plan.tfplan"));
        File.Delete(Path.Combine(job, "plan.tfplan.vars.json"));
        var opened = await OpenAsync(job, _pair.Private);

        Assert.That(sealedRun.ExitCode, Is.Zero, sealedRun.StandardError);
        Assert.That(await File.ReadAllTextAsync(sealedFile), Does.Not.Contain("s3cr3t"), "the artifact holds no secret in clear");
        Assert.That(opened.ExitCode, Is.Zero, opened.StandardError);
        Assert.That(await File.ReadAllTextAsync(Path.Combine(job, "plan.tfplan")), Is.EqualTo(Plan));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(job, "plan.tfplan.vars.json")), Is.EqualTo(Vars));
        Assert.That(File.GetUnixFileMode(Path.Combine(job, "plan.tfplan")), Is.EqualTo(AtomicFile.OwnerOnly));
    }

    [Test]
    public async Task Another_private_key_opens_nothing_and_changes_nothing()
    {
        var job = NewPlanFolder();
        await SealAsync(job, _pair.Public);
        await File.WriteAllTextAsync(Path.Combine(job, "plan.tfplan"), "the deploy job's own file");

        var refused = await OpenAsync(job, _other.Private);

        Assert.That(refused.ExitCode, Is.Not.Zero);
        Assert.That(refused.StandardError, Does.Contain("cannot be opened with PLATFORM_PLAN_PRIVATE_KEY"));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(job, "plan.tfplan")), Is.EqualTo("the deploy job's own file"));
    }

    [Test]
    public async Task A_missing_key_is_named()
    {
        var job = NewPlanFolder();

        var refused = await SealAsync(job, publicKey: "");

        Assert.That(refused.ExitCode, Is.Not.Zero);
        Assert.That(refused.StandardError, Does.Contain("PLATFORM_PLAN_PUBLIC_KEY is not set"));
        Assert.That(File.Exists(Path.Combine(job, "plan-file.tar.gpg")), Is.False);
    }

    private string NewPlanFolder()
    {
        var job = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(job);
        File.WriteAllText(Path.Combine(job, "plan.tfplan"), Plan);
        File.WriteAllText(Path.Combine(job, "plan.tfplan.vars.json"), Vars);
        return job;
    }

    private static Task<BufferedCommandResult> SealAsync(string job, string publicKey) =>
        PlanSealAsync("seal", job, ("PLATFORM_PLAN_PUBLIC_KEY", publicKey));

    private static Task<BufferedCommandResult> OpenAsync(string job, string privateKey) =>
        PlanSealAsync("open", job, ("PLATFORM_PLAN_PRIVATE_KEY", privateKey));

    private static async Task<BufferedCommandResult> PlanSealAsync(string action, string job, (string Name, string Value) key) =>
        await Cli.Wrap("bash")
            .WithArguments([Path.Combine(RepositoryRoot.Path, ".ci", "plan-seal"), action, job])
            .WithEnvironmentVariables(e => e.Set(key.Name, key.Value))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

    // A key pair as the script's header says to make one, in a keyring of its own.
    private async Task<(string Public, string Private)> KeyPairAsync(string name)
    {
        var home = Path.Combine(_dir, "gnupg-" + name);
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var uid = $"platform-plan-{name}@ci";
        async Task<string> Gpg(params string[] arguments) =>
            (await Cli.Wrap("gpg").WithArguments(["--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", .. arguments]).ExecuteBufferedAsync()).StandardOutput;
        await Gpg("--quick-gen-key", uid, "ed25519", "cert", "never");
        var fingerprint = (await Gpg("--with-colons", "--list-keys", uid)).Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        await Gpg("--quick-add-key", fingerprint, "cv25519", "encr", "never");
        return (await Gpg("--armor", "--export", uid), await Gpg("--armor", "--export-secret-keys", uid));
    }
}
