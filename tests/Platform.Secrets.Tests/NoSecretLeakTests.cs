using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secrets.Tests;

/// <summary>
/// Walks the error paths with a Vault that echoes credentials and values back in its errors, and checks
/// that no token, secret id or secret value reaches an exception message or a reported line.
/// </summary>
[TestFixture]
public sealed class NoSecretLeakTests : VaultStubFixture
{
    private const string Value = "s3cr3t-Value-That-Must-Not-Leak";
    private const string NewValue = "n3w-Value-That-Must-Not-Leak-Either";
    private const string WrongSecretId = "wrong-secret-id-must-not-leak";
    private const string WrongToken = "hvs.WrongTokenThatMustNotLeak0123456789";

    private readonly List<string> _messages = [];
    private int _errors;

    [Test]
    public async Task NoTokenOrSecretValue_AppearsInErrorsOrLogs()
    {
        var redactor = new SecretRedactor();
        var store = new RedactingSecretStore(new VaultSecretStore(Client(AppRoleOptions(), redactor: redactor), "platform/test"), redactor);
        await store.SetAsync("db/app-password", Value);
        var issued = Stub.IssuedTokens.Single();

        // Vault echoing the token and both values in a 400, a retried 500 and a sealed 503.
        var echo = $$"""{"errors":["token {{issued}} value {{Value}} new {{NewValue}}"]}""";
        Stub.InjectFaults(1, 400, echo);
        await Capture(() => store.SetAsync("db/app-password", NewValue));
        Stub.InjectFaults(3, 500, echo);
        await Capture(() => store.GetAsync("db/app-password"));
        Stub.InjectFaults(3, 503, echo);
        await Capture(() => store.ListAsync("db/"));

        // Policy denial and timeouts.
        Stub.DeniedPaths["/v1/secret/data/platform/test/db/app-password"] = 0;
        await Capture(() => store.GetAsync("db/app-password"));
        Stub.DeniedPaths.Clear();
        Stub.ResponseDelay = TimeSpan.FromSeconds(2);
        var impatient = new VaultSecretStore(Client(AppRoleOptions() with { RequestTimeout = TimeSpan.FromMilliseconds(150) }, redactor: redactor), "platform/test");
        await Capture(() => impatient.GetAsync("db/app-password"));
        Stub.ResponseDelay = TimeSpan.Zero;

        // Bad credentials, with clients that have their own private redactor.
        Stub.InjectFaults(1, 400, $$"""{"errors":["invalid secret_id {{WrongSecretId}}"]}""");
        await Capture(() => Client(AppRoleOptions() with { SecretId = WrongSecretId }).LoginAsync());
        Stub.InjectFaults(1, 403, $$"""{"errors":["bad token {{WrongToken}}"]}""");
        await Capture(() => Client(TokenOptions(WrongToken)).ReadKvAsync("db/app-password"));
        Stub.RevokeAllTokens();
        await Capture(() => Client(TokenOptions(WrongToken)).RenewSelfAsync());

        var everything = string.Join('\n', _messages) + '\n' + Reporter.Text;
        Assert.That(_errors, Is.EqualTo(8));
        Assert.That(everything, Does.Contain(SecretRedactor.Mask), "the echoed values were masked, not merely absent");
        foreach (var secret in Stub.IssuedTokens.Concat([VaultStub.RootToken, VaultStub.SecretId, WrongSecretId, WrongToken, Value, NewValue]))
        {
            Assert.That(everything, Does.Not.Contain(secret));
        }
    }

    [Test]
    public async Task LocalStoreErrors_DoNotQuoteTheValue()
    {
        using var scratch = ScratchFolder.Create("leak");
        var store = new FileSecretStore(scratch.Path);
        await store.SetAsync("db/app-password", Value);
        var file = store.PathOf("db/app-password");

        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        await Capture(() => store.GetAsync("db/app-password"));
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.WriteAllText(file, $"{{\"versions\":[{{\"version\":1,\"value\":\"{Value}\"", AtomicFile.OwnerOnly);
        await Capture(() => store.GetAsync("db/app-password"));

        Assert.That(_errors, Is.EqualTo(2));
        Assert.That(_messages, Has.None.Contains(Value));
    }

    [TearDown]
    public void ForgetMessages()
    {
        _messages.Clear();
        _errors = 0;
    }

    /// <summary>Runs an action that must fail and keeps the messages of the error and everything it wraps.</summary>
    private async Task Capture(Func<Task> action)
    {
        var error = await Assert.CatchAsync<Exception>(() => action());
        _errors++;
        for (var e = error; e is not null; e = e.InnerException)
        {
            _messages.Add(e.Message);
        }

        Assert.That(error, Is.InstanceOf<PlatformException>(), error?.ToString());
    }
}
