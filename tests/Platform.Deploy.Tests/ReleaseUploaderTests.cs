using Platform.Release;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

/// <summary>The node-side unpack of an upload, run with this machine's bash, tar and zstd as a node runs it.</summary>
public sealed class ReleaseUploaderTests
{
    private const string Version = "1.2.0";
    private string _root = null!;
    private NodeLayout _layout = null!;

    [SetUp]
    public void CreateNode()
    {
        _root = RepositoryRoot.NewScratch("upload");
        _layout = LocalTools.Node(Path.Combine(_root, "node"));
    }

    [TearDown]
    public void RemoveNode() => RepositoryRoot.RemoveScratch(_root);

    [Test]
    public async Task A_release_is_unpacked_in_place_of_an_older_copy_with_its_checksum_and_nothing_left_over()
    {
        var release = await PackAsync(ReleaseArchive.Extension, "native");
        WriteStaleCopy();

        var (_, errors, exit) = await UnpackAsync(release, await File.ReadAllBytesAsync(release.Tarball));

        Assert.That(exit, Is.Zero, errors);
        Assert.That(File.ReadAllText(Path.Combine(_layout.AppDir(Version), "Catalog.Service")), Is.EqualTo("native"));
        Assert.That(File.ReadAllText(_layout.ReleaseChecksumFile(Version)).Trim(), Is.EqualTo(release.Sha256));
        Assert.That(File.Exists(Path.Combine(_layout.ReleaseDir(Version), "stale")), Is.False, "the older copy is replaced, not merged");
        Assert.That(Directory.GetFileSystemEntries(_layout.ReleasesDir).Select(Path.GetFileName), Is.EqualTo(new[] { Version }), "no temp folder, fifo or old copy left");
    }

    // DigitalOcean's slots run as a user of their own, which must read and run the release.
    [Test]
    public async Task A_release_packed_under_a_strict_umask_is_readable_and_runnable_by_everyone_once_unpacked()
    {
        var folder = Path.Combine(_root, "strict");
        var app = Directory.CreateDirectory(Path.Combine(folder, "app")).FullName;
        var program = Path.Combine(app, "Catalog.Service");
        File.WriteAllText(program, "native");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(app, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var tarball = Path.Combine(_root, $"catalog-{Version}{ReleaseArchive.Extension}");
        // As Package packed before it set the modes itself.
        var (_, packErrors, packed) = await LocalTools.BashAsync($"tar --zstd -cf '{tarball}' -C '{folder}' .", input: null);
        Assert.That(packed, Is.Zero, packErrors);
        var release = new PackagedRelease(Version, tarball, await ReleaseStore.Sha256Async(tarball), null!);

        var (_, errors, exit) = await UnpackAsync(release, await File.ReadAllBytesAsync(tarball));

        Assert.That(exit, Is.Zero, errors);
        var everyoneRuns = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Assert.That(File.GetUnixFileMode(_layout.AppDir(Version)), Is.EqualTo(everyoneRuns));
        Assert.That(File.GetUnixFileMode(Path.Combine(_layout.AppDir(Version), "Catalog.Service")), Is.EqualTo(everyoneRuns));
    }

    [Test]
    public async Task Recording_keeps_the_newest_releases_of_the_history_and_those_the_slots_run_and_removes_the_rest()
    {
        foreach (var v in new[] { "1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "2.0.0-rc.1" })
        {
            Directory.CreateDirectory(_layout.AppDir(v));
        }

        // An upload a killed run left half-unpacked.
        Directory.CreateDirectory(Path.Combine(_layout.ReleasesDir, ".incoming-0123abcd", "app"));
        // A slot still runs 1.0.0 (its process is stopped after the record is written).
        Directory.CreateDirectory(_layout.SlotDir(8082));
        File.WriteAllText(_layout.SlotReleaseFile(8082), "1.0.0\n");
        var record = new NodeRelease("1.4.0", 8081, DateTimeOffset.UnixEpoch, ["1.3.0", "1.2.0", "1.1.0"]);

        var (_, errors, exit) = await LocalTools.BashAsync(ReleaseUploader.RecordScript(_layout, record, keep: 3), input: null);

        Assert.That(exit, Is.Zero, errors);
        Assert.That(Directory.GetDirectories(_layout.ReleasesDir).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "1.0.0", "1.2.0", "1.3.0", "1.4.0" }), "the half-unpacked upload gone too");
        Assert.That(NodeRelease.Parse(File.ReadAllText(_layout.CurrentFile)), Is.EqualTo(record).Using<NodeRelease>((a, b) => a.Version == b.Version && a.Slot == b.Slot && a.Previous.SequenceEqual(b.Previous)));
    }

    [Test]
    public async Task A_release_packaged_as_tar_gz_before_zstd_is_unpacked_too()
    {
        var release = await PackAsync(ReleaseArchive.LegacyExtension, "legacy");

        var (_, errors, exit) = await UnpackAsync(release, await File.ReadAllBytesAsync(release.Tarball));

        Assert.That(exit, Is.Zero, errors);
        Assert.That(File.ReadAllText(Path.Combine(_layout.AppDir(Version), "Catalog.Service")), Is.EqualTo("legacy"));
    }

    [TestCase("truncated")]
    [TestCase("altered")]
    public async Task A_release_that_broke_off_or_was_altered_on_the_way_changes_nothing_and_says_why(string damage)
    {
        var release = await PackAsync(ReleaseArchive.Extension, new string('x', 1 << 20) + "native");
        WriteStaleCopy();
        var bytes = await File.ReadAllBytesAsync(release.Tarball);
        if (damage == "truncated")
        {
            bytes = bytes[..(bytes.Length / 2)];
        }
        else
        {
            bytes[bytes.Length / 2] ^= 0xFF; // zstd's content checksum catches what tar's structure may not
        }

        var (_, errors, exit) = await UnpackAsync(release, bytes);

        AssertRefusedAndUnchanged(exit, errors, Does.Contain("could not be unpacked"));
    }

    [Test]
    public async Task Bytes_that_are_not_a_tarball_are_read_to_the_end_and_refused_with_the_reason()
    {
        var release = await PackAsync(ReleaseArchive.Extension, "native");
        WriteStaleCopy();
        var garbage = new byte[4 << 20];
        new Random(7).NextBytes(garbage);

        // 4 MB: more than a pipe holds, so a script that stopped reading would break this write.
        var (_, errors, exit) = await UnpackAsync(release, garbage);

        AssertRefusedAndUnchanged(exit, errors, Does.Contain("could not be unpacked"));
    }

    [Test]
    public async Task A_node_without_zstd_is_told_what_to_install_and_keeps_what_it_has()
    {
        var release = await PackAsync(ReleaseArchive.Extension, "native");
        WriteStaleCopy();

        // A PATH with cat (a node has it: the refusal drains the upload with it, or the operator's write
        // would break off with a broken pipe instead of the reason) and without zstd.
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "cat"), "/bin/cat");
        var (_, errors, exit) = await LocalTools.BashAsync($"PATH={bin}\n" + ReleaseUploader.UnpackScript(_layout, release), await File.ReadAllBytesAsync(release.Tarball));

        AssertRefusedAndUnchanged(exit, errors, Does.Contain("zstd is not installed on this node").And.Contain("apt-get install -y zstd"));
    }

    private Task<(string Output, string Errors, int ExitCode)> UnpackAsync(PackagedRelease release, byte[] bytes) =>
        LocalTools.BashAsync(ReleaseUploader.UnpackScript(_layout, release), bytes);

    private void WriteStaleCopy()
    {
        Directory.CreateDirectory(_layout.ReleaseDir(Version));
        File.WriteAllText(Path.Combine(_layout.ReleaseDir(Version), "stale"), "older copy");
    }

    // The unpack failed, said why, and the node kept exactly what it had.
    private void AssertRefusedAndUnchanged(int exit, string errors, NUnit.Framework.Constraints.IResolveConstraint reason)
    {
        Assert.That(exit, Is.Not.Zero);
        Assert.That(errors, reason);
        AssertStaleCopyUntouched();
    }

    private void AssertStaleCopyUntouched()
    {
        Assert.That(File.ReadAllText(Path.Combine(_layout.ReleaseDir(Version), "stale")), Is.EqualTo("older copy"));
        Assert.That(File.Exists(_layout.ReleaseChecksumFile(Version)), Is.False);
        Assert.That(Directory.GetFileSystemEntries(_layout.ReleasesDir).Select(Path.GetFileName), Is.EqualTo(new[] { Version }), "no temp folder or fifo left");
    }

    // A release tarball (app/Catalog.Service holding the text) in the given format, with its checksum.
    private async Task<PackagedRelease> PackAsync(string extension, string service)
    {
        var folder = Path.Combine(_root, "pack");
        Directory.CreateDirectory(Path.Combine(folder, "app"));
        File.WriteAllText(Path.Combine(folder, "app", "Catalog.Service"), service);
        var tarball = Path.Combine(_root, $"catalog-{Version}{extension}");
        await ReleaseTarballs.PackAsync(folder, tarball);

        return new PackagedRelease(Version, tarball, await ReleaseStore.Sha256Async(tarball), null!);
    }
}
