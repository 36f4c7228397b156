using Platform.Core;
using Platform.TestSupport;

namespace Platform.Release.Tests;

/// <summary>The release store: the nodes' tarball and the smoke tests' tarball, each checked before it is unpacked.</summary>
public sealed class ReleaseStoreTests
{
    private const string Version = "1.2.3";
    private string _root = null!;
    private ReleaseStore _store = null!;
    private readonly CommandRunner _commands = new(new ConsoleReporter(), new SecretRedactor());

    [SetUp]
    public void CreateStore()
    {
        _root = RepositoryRoot.NewScratch("release-store");
        _store = new ReleaseStore(Path.Combine(_root, "releases"));
        Directory.CreateDirectory(_store.Directory);
        File.WriteAllText(_store.ManifestPath(Version), Manifest(Version).ToJson());
    }

    [TearDown]
    public void RemoveStore() => RepositoryRoot.RemoveScratch(_root);

    // Packaging builds the current sources: the advice for a missing old release is to restore it, not to rebuild it.
    [Test]
    public void A_missing_release_is_named_with_how_to_restore_it_before_how_to_build_it()
    {
        var error = Assert.Throws<PlatformException>(() => _store.Find("0.9.0"));

        Assert.That(error!.Message, Does.StartWith($"No release 0.9.0 in {_store.Directory}. A release built before: restore its files there (catalog-0.9.0.*").And.Contain("check out its tag first"));
    }

    [Test]
    public void The_contract_migrations_any_kept_release_ships_are_known()
    {
        File.WriteAllText(_store.ManifestPath("2.0.0"), (Manifest("2.0.0") with { Migrations = ["expand/V1__create.sql", "expand/V3__add_name.sql", "contract/V4__drop_old.sql"] }).ToJson());
        File.WriteAllText(_store.ManifestPath("3.0.0"), (Manifest("3.0.0") with { Migrations = ["expand/V1__create.sql", "contract/V6__drop_more.sql"] }).ToJson());
        File.WriteAllText(Path.Combine(_store.Directory, "catalog-9.9.9.manifest.json"), "not json");

        Assert.That(_store.KnownContractMigrations(), Is.EquivalentTo(new[] { "V4__drop_old.sql", "V6__drop_more.sql" }));
        Assert.That(new ReleaseStore(Path.Combine(_root, "none")).KnownContractMigrations(), Is.Empty);
    }

    private static ReleaseManifest Manifest(string version) => new()
    {
        Version = version,
        GitCommit = "abc",
        Created = DateTimeOffset.UnixEpoch,
        RequiredSchema = 1,
        CatalogSchema = 1,
        Migrations = [],
        BuildKey = "key",
    };

    [Test]
    public async Task Smoke_tests_come_from_their_own_tarball_and_the_nodes_tarball_has_none()
    {
        await PackAsync(_store.TarballPath(Version), ("app/Catalog.Service", "native"), ("manifest.json", "{}"));
        await PackAsync(_store.SmokeTarballPath(Version), ("smoke/Catalog.Smoke.dll", "tests"));
        var release = _store.Find(Version);

        var app = await _store.ExtractAsync(release, Path.Combine(_root, "app"), _commands);
        var smoke = await _store.ExtractSmokeAsync(release, Path.Combine(_root, "smoke"), _commands);

        Assert.That(release.Smoke?.Tarball, Is.EqualTo(_store.SmokeTarballPath(Version)));
        Assert.That(File.Exists(Path.Combine(app, "app", "Catalog.Service")), Is.True);
        Assert.That(Directory.Exists(Path.Combine(app, "smoke")), Is.False, "the nodes get no test code");
        Assert.That(File.ReadAllText(Path.Combine(smoke, "smoke", "Catalog.Smoke.dll")), Is.EqualTo("tests"));
    }

    [Test]
    public async Task A_release_packaged_with_its_smoke_tests_inside_still_runs_them()
    {
        await PackAsync(_store.TarballPath(Version), ("app/Catalog.Service", "jit"), ("smoke/Catalog.Smoke.dll", "old"));
        var release = _store.Find(Version);

        var smoke = await _store.ExtractSmokeAsync(release, Path.Combine(_root, "smoke"), _commands);

        Assert.That(release.Smoke, Is.Null);
        Assert.That(File.ReadAllText(Path.Combine(smoke, "smoke", "Catalog.Smoke.dll")), Is.EqualTo("old"));
    }

    [Test]
    public async Task An_altered_smoke_tarball_is_refused_before_it_is_unpacked()
    {
        await PackAsync(_store.TarballPath(Version), ("app/Catalog.Service", "native"));
        await PackAsync(_store.SmokeTarballPath(Version), ("smoke/Catalog.Smoke.dll", "tests"));
        File.AppendAllText(_store.SmokeTarballPath(Version), "tampered");
        var release = _store.Find(Version);
        var destination = Path.Combine(_root, "smoke");

        var error = await Assert.ThrowsAsync<PlatformException>(() => _store.ExtractSmokeAsync(release, destination, _commands));

        Assert.That(error!.Message, Does.Contain("does not match its checksum"));
        Assert.That(Directory.Exists(destination), Is.False);
    }

    [Test]
    public async Task Releases_packaged_as_tar_gz_before_zstd_are_still_found_and_unpacked()
    {
        var legacy = _store.TarballPath(Version).Replace(ReleaseArchive.Extension, ReleaseArchive.LegacyExtension, StringComparison.Ordinal);
        var legacySmoke = _store.SmokeTarballPath(Version).Replace(ReleaseArchive.Extension, ReleaseArchive.LegacyExtension, StringComparison.Ordinal);
        await PackAsync(legacy, ("app/Catalog.Service", "gzip"));
        await PackAsync(legacySmoke, ("smoke/Catalog.Smoke.dll", "old tests"));

        var release = _store.Find(Version);
        var app = await _store.ExtractAsync(release, Path.Combine(_root, "app"), _commands);
        var smoke = await _store.ExtractSmokeAsync(release, Path.Combine(_root, "smoke"), _commands);

        Assert.That(release.Tarball, Is.EqualTo(legacy));
        Assert.That(File.ReadAllText(Path.Combine(app, "app", "Catalog.Service")), Is.EqualTo("gzip"));
        Assert.That(File.ReadAllText(Path.Combine(smoke, "smoke", "Catalog.Smoke.dll")), Is.EqualTo("old tests"));
        Assert.That(_store.LegacyFiles(Version), Is.EquivalentTo(new[] { legacy, legacy + ".sha256", legacySmoke, legacySmoke + ".sha256" }));
    }

    [Test]
    public async Task A_zstd_release_is_preferred_to_a_legacy_tarball_of_the_same_version()
    {
        var legacy = _store.TarballPath(Version).Replace(ReleaseArchive.Extension, ReleaseArchive.LegacyExtension, StringComparison.Ordinal);
        await PackAsync(legacy, ("app/Catalog.Service", "gzip"));
        await PackAsync(_store.TarballPath(Version), ("app/Catalog.Service", "zstd"));

        Assert.That(_store.Find(Version).Tarball, Is.EqualTo(_store.TarballPath(Version)));
        Assert.That(_store.TarballPath(Version), Does.EndWith(".tar.zst"));
    }

    [Test]
    public async Task A_release_tarball_altered_after_packaging_fails_its_check()
    {
        await PackAsync(_store.TarballPath(Version), ("app/Catalog.Service", "native"));
        var release = _store.Find(Version);
        Assert.That(await ReleaseStore.ReadVerifiedAsync(release), Is.EqualTo(await File.ReadAllBytesAsync(release.Tarball)));
        File.AppendAllText(release.Tarball, "tampered");

        var error = await Assert.ThrowsAsync<PlatformException>(() => ReleaseStore.ReadVerifiedAsync(release));

        Assert.That(error!.Message, Does.Contain("does not match its checksum").And.Contain("Package it again"));
    }

    [Test]
    public async Task Damaged_files_of_a_release_are_named_so_that_Package_rebuilds_it()
    {
        await PackAsync(_store.TarballPath(Version), ("app/Catalog.Service", "native"));
        await PackAsync(_store.SmokeTarballPath(Version), ("smoke/Catalog.Smoke.dll", "tests"));
        Assert.That(await ReleaseStore.DamagedFilesAsync(_store.Find(Version)), Is.Empty);

        File.AppendAllText(_store.SmokeTarballPath(Version), "tampered");

        Assert.That(await ReleaseStore.DamagedFilesAsync(_store.Find(Version)), Is.EqualTo(new[] { _store.SmokeTarballPath(Version) }));
    }

    // A tarball of the given files, with its .sha256 as Package writes it.
    private async Task PackAsync(string tarball, params (string Path, string Text)[] files)
    {
        var folder = Path.Combine(_root, "pack-" + Guid.NewGuid().ToString("N"));
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
            File.WriteAllText(Path.Combine(folder, path), text);
        }

        await ReleaseTarballs.PackAsync(folder, tarball);
        await ReleaseStore.WriteSha256Async(tarball);
    }
}
