using Platform.TestSupport;

namespace Platform.Secrets.Tests;

/// <summary>
/// Base for tests against a fresh <see cref="VaultStub"/> per test: builds clients pointed at it, records the
/// retry waits instead of sleeping, and disposes everything afterwards.
/// </summary>
public abstract class VaultStubFixture
{
    private readonly List<IDisposable> _clients = [];
    private readonly List<TimeSpan> _delays = [];

    internal VaultStub Stub { get; private set; } = null!;

    internal RecordingReporter Reporter { get; private set; } = null!;

    /// <summary>The waits the retry policy asked for, in order.</summary>
    internal IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_delays)
            {
                return _delays.ToList();
            }
        }
    }

    [SetUp]
    public async Task StartStub()
    {
        Stub = await VaultStub.StartAsync();
        Reporter = new RecordingReporter();
    }

    [TearDown]
    public async Task StopStub()
    {
        _clients.ForEach(c => c.Dispose());
        _clients.Clear();
        lock (_delays)
        {
            _delays.Clear();
        }

        await Stub.DisposeAsync();
    }

    internal VaultOptions TokenOptions(string token = VaultStub.RootToken) => new()
    {
        Address = Stub.Address,
        Token = token,
        Retry = new VaultRetryPolicy { Delay = RecordDelay },
    };

    internal VaultOptions AppRoleOptions() => TokenOptions() with { Token = null, RoleId = VaultStub.RoleId, SecretId = VaultStub.SecretId };

    internal VaultClient Client(VaultOptions? options = null, TimeProvider? time = null, Core.SecretRedactor? redactor = null)
    {
        var client = new VaultClient(options ?? TokenOptions(), Reporter, redactor, time);
        _clients.Add(client);
        return client;
    }

    private Task RecordDelay(TimeSpan delay, CancellationToken cancellation)
    {
        lock (_delays)
        {
            _delays.Add(delay);
        }

        return Task.CompletedTask;
    }
}
