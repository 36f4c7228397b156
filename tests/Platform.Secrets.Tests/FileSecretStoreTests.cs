using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secrets.Tests;

[TestFixture]
public sealed class FileSecretStoreTests : SecretStoreContract
{
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode700 = Mode600 | UnixFileMode.UserExecute;

    private ScratchFolder _scratch = null!;

    private string Root => Path.Combine(_scratch.Path, "secrets");

    private FileSecretStore FileStore => (FileSecretStore)Store;

    [Test]
    public async Task Folders_Are0700_AndFiles0600()
    {
        await Store.SetAsync("operators/alice", "alice-key-value");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.GetUnixFileMode(Root), Is.EqualTo(Mode700));
            Assert.That(File.GetUnixFileMode(Path.Combine(Root, "operators")), Is.EqualTo(Mode700));
            Assert.That(File.GetUnixFileMode(FileStore.PathOf("operators/alice")), Is.EqualTo(Mode600));
            Assert.That(File.GetUnixFileMode(Path.Combine(Root, ".lock")), Is.EqualTo(Mode600));
        }
    }

    [Test]
    public async Task KeyFile_HoldsTheDocumentedVersionsDocument()
    {
        await Store.SetAsync("db/app-password", "value-one");
        await Store.SetAsync("db/app-password", "value-two");

        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Root, "db", "app-password.json")))!;
        var versions = json["versions"]!.AsArray();
        Assert.That(versions.Select(v => (v!["version"]!.GetValue<int>(), v["value"]!.GetValue<string>())),
            Is.EqualTo(new[] { (1, "value-one"), (2, "value-two") }));
        Assert.That(versions[0]!["createdAt"], Is.Not.Null);
    }

    [TestCase(UnixFileMode.OtherRead)]
    [TestCase(UnixFileMode.GroupRead)]
    public async Task SecretFileReadableByOthers_IsRefused_WithTheChmodCommand(UnixFileMode extra)
    {
        await Store.SetAsync("db/app-password", "leaky-value-77");
        var file = FileStore.PathOf("db/app-password");
        File.SetUnixFileMode(file, Mode600 | extra);

        var error = await Assert.ThrowsAsync<PlatformException>(() => Store.GetAsync("db/app-password"));
        Assert.That(error!.Message, Does.Contain($"chmod 600 {file}").And.Not.Contain("leaky-value-77"));
        // Writing reads the history first, so it is refused too rather than silently carrying on.
        await Assert.ThrowsAsync<PlatformException>(() => Store.SetAsync("db/app-password", "other-value-1"));
    }

    [Test]
    public async Task DamagedFile_IsReported_WithoutQuotingItsContent()
    {
        await Store.SetAsync("db/app-password", "real-value-1");
        var file = FileStore.PathOf("db/app-password");
        AtomicFile.WriteAllText(file, "{\"versions\":[{\"version\":1,\"value\":\"half-written-secret", AtomicFile.OwnerOnly);

        var error = await Assert.ThrowsAsync<PlatformException>(() => Store.GetAsync("db/app-password"));
        Assert.That(error!.Message, Does.Contain("damaged").And.Contain(file).And.Not.Contain("half-written-secret"));
    }

    [Test]
    public async Task Writes_LeaveNoTemporaryFiles()
    {
        for (var i = 0; i < 20; i++)
        {
            await Store.SetAsync($"rotating/key{i % 3}", $"value-number-{i}");
        }

        var files = Directory.GetFiles(Root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f)).Order();
        Assert.That(files, Is.EqualTo(new[] { ".lock", "rotating/key0.json", "rotating/key1.json", "rotating/key2.json" }));
    }

    [Test]
    public async Task OnlyTheNewestVersions_AreKept()
    {
        var store = new FileSecretStore(Root, maxVersions: 3);
        for (var i = 1; i <= 5; i++)
        {
            await store.SetAsync("ca/key", $"generation-{i}");
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await store.ReadAsync("ca/key"))?.Version, Is.EqualTo(5));
            Assert.That((await store.ReadAsync("ca/key", 3))?.Value, Is.EqualTo("generation-3"));
            Assert.That(await store.ReadAsync("ca/key", 2), Is.Null);
        }
    }

    [Test]
    public async Task ConcurrentWriters_LoseNothing()
    {
        // Two stores on one folder: their semaphores are separate, so only the lock file keeps them apart,
        // exactly as for two processes.
        var other = new FileSecretStore(Root, maxVersions: 100);
        var first = new FileSecretStore(Root, maxVersions: 100);
        var values = Enumerable.Range(0, 40).Select(i => $"rotation-value-{i:D2}").ToList();

        await Task.WhenAll(values.Select((value, i) => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? first : other;
            await store.SetAsync("shared/key", value);
            await store.SetAsync($"distinct/key{i:D2}", value);
        })));

        var history = new List<string>();
        for (var v = 1; v <= values.Count; v++)
        {
            history.Add((await first.ReadAsync("shared/key", v))!.Value);
        }

        Assert.That(history, Is.EquivalentTo(values), "every write became its own version");
        Assert.That(await first.ListAsync("distinct/"), Has.Count.EqualTo(values.Count));
    }

    [Test]
    public async Task WriterWaitsForTheLock_AndGivesUpWithAClearMessage()
    {
        await Store.SetAsync("db/app-password", "value-before");
        var store = new FileSecretStore(Root, lockTimeout: TimeSpan.FromMilliseconds(200));

        using (new FileStream(Path.Combine(Root, ".lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var error = await Assert.ThrowsAsync<PlatformException>(() => store.SetAsync("db/app-password", "value-after"));
            Assert.That(error!.Message, Does.Contain("Could not lock").And.Contain(".lock"));
        }

        await store.SetAsync("db/app-password", "value-after");
        Assert.That(await store.GetAsync("db/app-password"), Is.EqualTo("value-after"));
    }

    [Test]
    public async Task KeyAndFolder_MayShareAName()
    {
        await Store.SetAsync("operators", "list-owner-value");
        await Store.SetAsync("operators/alice", "alice-key-value");

        Assert.That(await Store.ListAsync(""), Is.EqualTo(new[] { "operators", "operators/" }));
        Assert.That(await Store.GetAsync("operators"), Is.EqualTo("list-owner-value"));
    }

    internal override Task<ISecretStore> CreateStoreAsync()
    {
        _scratch = ScratchFolder.Create("secrets");
        return Task.FromResult<ISecretStore>(new FileSecretStore(Root));
    }

    internal override Task DisposeStoreAsync() => Task.CompletedTask;

    [TearDown]
    public void RemoveScratch() => _scratch.Dispose();
}
