using Platform.Core;

namespace Platform.Secrets.Tests;

/// <summary>
/// What every <see cref="ISecretStore"/> must do, run against each backend (local files, Vault stub)
/// so both behave the same from a step's point of view.
/// </summary>
public abstract class SecretStoreContract
{
    private static readonly string[] InvalidKeys =
        ["", "/a", "a/", "a//b", "../x", "a/../b", "a/./b", ".", "a b", "a\\b", "ümlaut", "a/b?c", "a:b"];

    internal ISecretStore Store { get; private set; } = null!;

    [SetUp]
    public async Task CreateStore() => Store = await CreateStoreAsync();

    [TearDown]
    public async Task DisposeStore() => await DisposeStoreAsync();

    [Test]
    public async Task ValueWritten_IsReadBack()
    {
        await Store.SetAsync("db/app-password", "s3cret-value-1");

        Assert.That(await Store.GetAsync("db/app-password"), Is.EqualTo("s3cret-value-1"));
        var entry = await Store.ReadAsync("db/app-password");
        Assert.That(entry, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(entry!.Key, Is.EqualTo("db/app-password"));
            Assert.That(entry.Version, Is.EqualTo(1));
            Assert.That(entry.CreatedAt, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
        }
    }

    [Test]
    public async Task MissingKey_ReadsAsNull()
    {
        Assert.That(await Store.GetAsync("nothing/here"), Is.Null);
        Assert.That(await Store.ReadAsync("nothing/here", 3), Is.Null);
    }

    [Test]
    public async Task ChangedValue_AddsAVersion_AndKeepsThePreviousOne()
    {
        await Store.SetAsync("operators/alice", "first-value");
        await Store.SetAsync("operators/alice", "second-value");

        var current = await Store.ReadAsync("operators/alice");
        var first = await Store.ReadAsync("operators/alice", 1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(current?.Version, Is.EqualTo(2));
            Assert.That(current?.Value, Is.EqualTo("second-value"));
            Assert.That(first?.Value, Is.EqualTo("first-value"));
            Assert.That(await Store.ReadAsync("operators/alice", 7), Is.Null);
        }
    }

    [Test]
    public async Task UnchangedValue_WritesNothing()
    {
        await Store.SetAsync("db/app-password", "same-value-42");
        var before = await Store.ReadAsync("db/app-password");

        await Store.SetAsync("db/app-password", "same-value-42");

        var after = await Store.ReadAsync("db/app-password");
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public async Task List_GivesDirectChildren_Sorted_WithFoldersEndingInSlash()
    {
        await Store.SetAsync("operators/bob", "bob-key-value");
        await Store.SetAsync("operators/alice", "alice-key-value");
        await Store.SetAsync("operators/retired/carol", "carol-key-value");
        await Store.SetAsync("db/app-password", "password-value");

        Assert.That(await Store.ListAsync("operators/"), Is.EqualTo(new[] { "alice", "bob", "retired/" }));
        Assert.That(await Store.ListAsync("operators"), Is.EqualTo(new[] { "alice", "bob", "retired/" }));
        Assert.That(await Store.ListAsync(""), Is.EqualTo(new[] { "db/", "operators/" }));
        Assert.That(await Store.ListAsync("nobody/"), Is.Empty);
    }

    [Test]
    public async Task Delete_RemovesTheKey_AndItsListing()
    {
        await Store.SetAsync("operators/alice", "alice-key-value");
        await Store.SetAsync("operators/bob", "bob-key-value");

        await Store.DeleteAsync("operators/alice");

        Assert.That(await Store.GetAsync("operators/alice"), Is.Null);
        Assert.That(await Store.ListAsync("operators/"), Is.EqualTo(new[] { "bob" }));

        await Store.DeleteAsync("operators/bob");
        Assert.That(await Store.ListAsync(""), Is.Empty);
    }

    [Test]
    public async Task Delete_OfAMissingKey_IsNotAnError()
    {
        await Store.DeleteAsync("never/written");
        Assert.That(await Store.GetAsync("never/written"), Is.Null);
    }

    [Test]
    public async Task KeyWrittenAgainAfterDelete_StartsAfresh()
    {
        await Store.SetAsync("db/app-password", "old-value-1");
        await Store.DeleteAsync("db/app-password");
        await Store.SetAsync("db/app-password", "new-value-2");

        Assert.That(await Store.GetAsync("db/app-password"), Is.EqualTo("new-value-2"));
    }

    [TestCaseSource(nameof(InvalidKeys))]
    public async Task InvalidKey_IsRefused_WithAClearMessage(string key)
    {
        var error = await Assert.ThrowsAsync<PlatformException>(() => Store.SetAsync(key, "value-never-stored"));
        Assert.That(error!.Message, Does.Contain("not a valid secret key").And.Contain($"'{key}'"));
        await Assert.ThrowsAsync<PlatformException>(() => Store.GetAsync(key));
    }

    internal abstract Task<ISecretStore> CreateStoreAsync();

    internal abstract Task DisposeStoreAsync();
}
