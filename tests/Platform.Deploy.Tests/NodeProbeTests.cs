using Platform.Core;
using Platform.TestSupport;

namespace Platform.Deploy.Tests;

public sealed class NodeProbeTests
{
    private string _base = null!;
    private NodeLayout _layout = null!;

    [SetUp]
    public void CreateNode()
    {
        _base = RepositoryRoot.NewScratch("probe");
        _layout = LocalTools.Node(_base);
    }

    [TearDown]
    public void RemoveNode() => RepositoryRoot.RemoveScratch(_base);

    [Test]
    public void Parse_reads_slots_checksums_and_a_record_over_several_lines()
    {
        var probe = NodeProbe.Parse("slot 8081 4242\n\nslot 8082 \nrelease abc123\nsettings def456\ncurrent:\n{\n  \"version\": \"1.2.0\",\n  \"slot\": 8081,\n  \"since\": \"2026-11-26T10:00:00+00:00\",\n  \"previous\": [\"1.1.0\"]\n}\n");

        Assert.That(probe.LivePids, Is.EqualTo(new Dictionary<int, int> { [8081] = 4242 }));
        Assert.That(probe.ReleaseSha256, Is.EqualTo("abc123"));
        Assert.That(probe.SettingsSha256, Is.EqualTo("def456"));
        Assert.That(probe.Current!.Version, Is.EqualTo("1.2.0"));
        Assert.That(probe.Current.Previous, Is.EqualTo(new[] { "1.1.0" }));
        Assert.That(probe.ActiveSlot, Is.EqualTo(8081));
    }

    [Test]
    public void A_record_whose_slot_has_no_live_process_has_no_active_slot()
    {
        var probe = NodeProbe.Parse("slot 8081 \nslot 8082 77\nrelease \nsettings \ncurrent:\n{\"version\":\"1.2.0\",\"slot\":8081,\"since\":\"2026-11-26T10:00:00+00:00\",\"previous\":[]}");

        Assert.That(probe.ActiveSlot, Is.Null);
        Assert.That(probe.ReleaseSha256, Is.Null);
        Assert.That(probe.SettingsSha256, Is.Null);
    }

    [Test]
    public void A_record_cut_short_is_damaged_and_no_record_is_not()
    {
        var damaged = NodeProbe.Parse("slot 8081 4242\nslot 8082 \nrelease \nsettings \ncurrent:\n{\"version\":\"1.2.0\",\"slo");
        var none = NodeProbe.Parse("slot 8081 \nslot 8082 \nrelease \nsettings \nrecord none\ncurrent:\n");
        var empty = NodeProbe.Parse("slot 8081 \nslot 8082 \nrelease \nsettings \ncurrent:\n");

        Assert.That(damaged.Current, Is.Null);
        Assert.That(damaged.RecordDamaged, Is.True);
        Assert.That(none.Current, Is.Null);
        Assert.That(none.RecordDamaged, Is.False, "a node never rolled has no record, which is no damage");
        Assert.That(empty.Current, Is.Null);
        Assert.That(empty.RecordDamaged, Is.True, "an empty record is there: a disk that filled up, not a node never rolled");
        Assert.That(NodeRelease.DamagedMessage("/srv/base/current.json"), Does.Contain("/srv/base/current.json.damaged").And.Contain("Rollback --version="));
        var repaired = (damaged with { SlotReleases = new Dictionary<int, string> { [8081] = "1.2.0" } }).ReconciledWith(slot => slot == 8081, DateTimeOffset.UtcNow, out var correction);
        Assert.That(repaired.Current!.Version, Is.EqualTo("1.2.0"));
        Assert.That(correction, Is.EqualTo("its record cannot be read, but HAProxy sends its traffic to 8081, which runs 1.2.0. Going by HAProxy"), "no tale of a run that died between switch and record");
    }

    [Test]
    public void An_answer_without_the_record_marker_is_an_error() =>
        Assert.That(() => NodeProbe.Parse("bash: line 1: syntax error\n"), Throws.TypeOf<PlatformException>().With.Message.Contains("syntax error"));

    [Test]
    public void Settings_are_compared_by_checksum()
    {
        // sha256sum of "CATALOG_DB=x\n", as the node's script computes it.
        var probe = new NodeProbe(null, new Dictionary<int, int>(), null, "93f02b7096b8a1e12d38d59c582e5dcd144f3055ce4d6f40381a7a1aee1389cd");

        Assert.That(probe.HasSettings("CATALOG_DB=x\n"), Is.True);
        Assert.That(probe.HasSettings("CATALOG_DB=y\n"), Is.False);
    }

    [Test]
    public async Task The_script_reports_an_empty_node()
    {
        var probe = NodeProbe.Parse(await RunScriptAsync("1.2.0"));

        Assert.That(probe.Current, Is.Null);
        Assert.That(probe.LivePids, Is.Empty);
        Assert.That(probe.ReleaseSha256, Is.Null);
        Assert.That(probe.SettingsSha256, Is.Null);
    }

    [Test]
    public async Task The_script_tells_an_empty_record_from_a_missing_one()
    {
        var missing = NodeProbe.Parse(await RunScriptAsync("1.2.0"));
        await File.WriteAllTextAsync(_layout.CurrentFile, string.Empty);
        var empty = NodeProbe.Parse(await RunScriptAsync("1.2.0"));

        Assert.That(missing.RecordDamaged, Is.False);
        Assert.That(empty.RecordDamaged, Is.True);
    }

    [Test]
    public async Task The_script_reports_what_a_node_runs_as_bash_sees_it()
    {
        // A live process on 8081 (this test's shell), a dead one on 8082, release 1.2.0 unpacked, settings written.
        Directory.CreateDirectory(_layout.SlotDir(8081));
        Directory.CreateDirectory(_layout.SlotDir(8082));
        await File.WriteAllTextAsync(_layout.PidFile(8081), $"{Environment.ProcessId}\n");
        await File.WriteAllTextAsync(_layout.PidFile(8082), "999999999\n");
        Directory.CreateDirectory(_layout.ReleaseDir("1.2.0"));
        await File.WriteAllTextAsync(_layout.ReleaseChecksumFile("1.2.0"), "abc123\n");
        await File.WriteAllTextAsync(_layout.EnvFile, "CATALOG_DB=Host=db;Password=p'w \"x\"\n");
        var record = new NodeRelease("1.2.0", 8081, DateTimeOffset.Parse("2026-11-26T10:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture), ["1.1.0"]);
        await File.WriteAllTextAsync(_layout.CurrentFile, record.ToJson() + "\n");

        var probe = NodeProbe.Parse(await RunScriptAsync("1.2.0"));

        Assert.That(probe.LivePids, Is.EqualTo(new Dictionary<int, int> { [8081] = Environment.ProcessId }));
        Assert.That(probe.ReleaseSha256, Is.EqualTo("abc123"));
        Assert.That(probe.HasSettings("CATALOG_DB=Host=db;Password=p'w \"x\"\n"), Is.True);
        Assert.That(probe.Current, Is.EqualTo(record).Using<NodeRelease>((a, b) => a.Version == b.Version && a.Slot == b.Slot && a.Previous.SequenceEqual(b.Previous)));
        Assert.That(probe.ActiveSlot, Is.EqualTo(8081));
    }

    [Test]
    public void What_runs_beside_the_serving_slot_is_named_with_its_release()
    {
        var probe = new NodeProbe(null, new Dictionary<int, int> { [8082] = 42, [8081] = 41, [9000] = 43 }, null, null) { SlotReleases = new Dictionary<int, string> { [8081] = "1.1.0", [8082] = "1.2.0" } };

        Assert.That(probe.RunningBeside(8082), Is.EqualTo(new[] { (8081, "1.1.0 still runs on idle port 8081 (pid 41)"), (9000, "a process still runs on idle port 9000 (pid 43)") }));
        Assert.That(new NodeProbe(null, new Dictionary<int, int> { [8082] = 42 }, null, null).RunningBeside(8082), Is.Empty);
    }

    [Test]
    public async Task A_pid_file_naming_another_start_time_is_a_reused_pid_not_the_slots_process()
    {
        // This test's process stands in for the slot's: its start time is field 22 of /proc/self/stat.
        var stat = await File.ReadAllTextAsync("/proc/self/stat");
        var started = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        Directory.CreateDirectory(_layout.SlotDir(8081));
        Directory.CreateDirectory(_layout.SlotDir(8082));
        await File.WriteAllTextAsync(_layout.PidFile(8081), $"{Environment.ProcessId} {started}\n");
        await File.WriteAllTextAsync(_layout.PidFile(8082), $"{Environment.ProcessId} 1\n");

        var probe = NodeProbe.Parse(await RunScriptAsync("1.2.0"));

        Assert.That(probe.LivePids, Is.EqualTo(new Dictionary<int, int> { [8081] = Environment.ProcessId }), "8082's pid file names a process started at another time");
    }

    [Test]
    public async Task A_release_unpacked_before_the_checksum_file_moved_is_still_recognised()
    {
        Directory.CreateDirectory(_layout.ReleaseDir("1.2.0"));
        await File.WriteAllTextAsync(Path.Combine(_layout.ReleaseDir("1.2.0"), "catalog.tar.gz.sha256"), "legacy123\n");

        var legacy = NodeProbe.Parse(await RunScriptAsync("1.2.0"));
        await File.WriteAllTextAsync(_layout.ReleaseChecksumFile("1.2.0"), "current456\n");
        var current = NodeProbe.Parse(await RunScriptAsync("1.2.0"));

        Assert.That(legacy.ReleaseSha256, Is.EqualTo("legacy123"), "no needless upload after an upgrade of Platform");
        Assert.That(current.ReleaseSha256, Is.EqualTo("current456"), "the new file wins");
    }

    [Test]
    public void A_record_naming_the_drained_slot_gives_way_to_the_slot_HAProxy_sends_traffic_to()
    {
        // A run switched to 1.3.0 on 8082 and died before writing the record: 8081 (1.2.0) drained, both alive.
        var probe = Probe(record: ("1.2.0", 8081), live: [8081, 8082], slotReleases: [(8081, "1.2.0"), (8082, "1.3.0")]);

        var fixedUp = probe.ReconciledWith(InPool(8082), DateTimeOffset.UnixEpoch, out var correction);

        Assert.That(fixedUp.ActiveSlot, Is.EqualTo(8082));
        Assert.That(fixedUp.Current!.Version, Is.EqualTo("1.3.0"));
        Assert.That(fixedUp.Current.Previous, Is.EqualTo(new[] { "1.2.0", "1.1.0" }), "the release the record named is the one to roll back to");
        Assert.That(correction, Does.Contain("1.2.0 on 8081").And.Contain("8082, which runs 1.3.0"));
    }

    [Test]
    public void A_record_whose_slot_died_gives_way_to_the_live_slot_in_the_pool()
    {
        var probe = Probe(record: ("1.2.0", 8081), live: [8082], slotReleases: [(8081, "1.2.0"), (8082, "1.3.0")]);

        var fixedUp = probe.ReconciledWith(InPool(8082), DateTimeOffset.UnixEpoch, out var correction);

        Assert.That(fixedUp.ActiveSlot, Is.EqualTo(8082));
        Assert.That(correction, Does.Contain("not running"));
    }

    [TestCase(8081, TestName = "The record stands when its slot serves")]
    [TestCase(0, TestName = "The record stands when no other slot is in the pool")]
    public void The_record_stands_unless_HAProxy_clearly_serves_another_slot(int servingSlot)
    {
        var probe = Probe(record: ("1.2.0", 8081), live: [8081, 8082], slotReleases: [(8081, "1.2.0"), (8082, "1.3.0")]);

        var same = probe.ReconciledWith(InPool(servingSlot), DateTimeOffset.UnixEpoch, out var correction);

        Assert.That(same, Is.SameAs(probe));
        Assert.That(correction, Is.Null);
    }

    [Test]
    public void A_recorded_slot_that_runs_another_release_goes_by_what_runs()
    {
        // A restart roll to 1.3.0 replaced 1.2.0 in place on 8081 and failed before recording: the record still says 1.2.0.
        var probe = Probe(record: ("1.2.0", 8081), live: [8081], slotReleases: [(8081, "1.3.0")]);

        var fixedUp = probe.ReconciledWith(InPool(8081), DateTimeOffset.UnixEpoch, out var correction);

        Assert.That(fixedUp.Current!.Version, Is.EqualTo("1.3.0"), "a roll to 1.2.0 must not take this node for done");
        Assert.That(fixedUp.ActiveSlot, Is.EqualTo(8081));
        Assert.That(correction, Does.StartWith("its record says 1.2.0 on 8081, but 1.3.0 runs there").And.EndWith("a Rollback passes over 1.3.0"));

        // The roll that brings the node back to 1.2.0: a Rollback then goes to 1.1.0, not to 1.3.0, which never served.
        var back = NodeRelease.After(fixedUp.Current, "1.2.0", 8082, DateTimeOffset.UnixEpoch);
        Assert.That(back.Previous, Is.EqualTo(new[] { "1.3.0", "1.1.0" }), "--version=1.3.0 still can");
        Assert.That(RollbackTarget.Choose(new Dictionary<string, NodeRelease?> { ["web-1"] = back }).Version, Is.EqualTo("1.1.0"));
    }

    [Test]
    public void Without_HAProxy_servers_or_a_known_release_on_the_other_slot_the_record_stands()
    {
        var unknownToHaproxy = Probe(record: ("1.2.0", 8081), live: [8082], slotReleases: [(8082, "1.3.0")]);
        var unknownRelease = Probe(record: ("1.2.0", 8081), live: [8082], slotReleases: []);

        Assert.That(unknownToHaproxy.ReconciledWith(_ => null, DateTimeOffset.UnixEpoch, out _), Is.SameAs(unknownToHaproxy));
        Assert.That(unknownRelease.ReconciledWith(InPool(8082), DateTimeOffset.UnixEpoch, out _), Is.SameAs(unknownRelease));
    }

    [Test]
    public async Task The_script_reports_the_release_each_slot_was_started_with()
    {
        Directory.CreateDirectory(_layout.SlotDir(8082));
        await File.WriteAllTextAsync(_layout.SlotReleaseFile(8082), "1.3.0\n");

        var probe = NodeProbe.Parse(await RunScriptAsync("1.3.0"));

        Assert.That(probe.SlotReleases, Is.EqualTo(new Dictionary<int, string> { [8082] = "1.3.0" }));
    }

    private static NodeProbe Probe((string Version, int Slot) record, int[] live, (int Slot, string Version)[] slotReleases) =>
        new(new NodeRelease(record.Version, record.Slot, DateTimeOffset.UnixEpoch, ["1.1.0"]), live.ToDictionary(p => p, p => p + 1000), null, null)
        {
            SlotReleases = slotReleases.ToDictionary(r => r.Slot, r => r.Version),
        };

    // HAProxy sends traffic to this slot only; the other is in maintenance.
    private static Func<int, bool?> InPool(int slot) => p => p == slot;

    // The script as the node runs it (bash -c), on this machine's bash.
    private async Task<string> RunScriptAsync(string version)
    {
        var (output, errors) = await LocalTools.BashAsync(NodeProbe.Script(_layout, new DetachedProcessManager(), [8081, 8082], version));
        Assert.That(errors, Is.Empty, "the script must run without errors");
        return output;
    }
}
