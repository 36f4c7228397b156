using Platform.TestSupport;

namespace Platform.Deploy.Tests;

/// <summary>
/// DigitalOcean's slots run under systemd, which no test here can start: the part of a start that is Platform's
/// own, its log, run with this machine's bash on a folder laid out as a node's.
/// </summary>
public sealed class SystemdProcessManagerTests
{
    private string _root = null!;
    private NodeLayout _layout = null!;

    [SetUp]
    public void CreateNode()
    {
        _root = RepositoryRoot.NewScratch("systemd-slot");
        _layout = LocalTools.Node(Path.Combine(_root, "node"));
    }

    [TearDown]
    public void RemoveNode() => RepositoryRoot.RemoveScratch(_root);

    [Test]
    public async Task What_the_unit_appends_to_lands_in_the_log_the_roll_checks_read_and_the_last_one_is_kept()
    {
        var unitLog = Path.Combine(_layout.BaseDir, "logs", "catalog-8081.log");
        foreach (var line in new[] { "first start", "second start" })
        {
            var (_, errors, exit) = await LocalTools.BashAsync(SystemdProcessManager.LogScript(_layout, "1.2.0", 8081), input: null);
            Assert.That(exit, Is.Zero, errors);

            // As systemd's StandardOutput=append: does, through the path in the unit.
            await File.AppendAllTextAsync(unitLog, line + "\n");
        }

        Assert.That(File.ReadAllText(_layout.LogFile("1.2.0", 8081)), Is.EqualTo("second start\n"), "NodeLog reads this one");
        Assert.That(File.ReadAllText(_layout.LogFile("1.2.0", 8081) + ".1"), Is.EqualTo("first start\n"));

        var (_, nextErrors, next) = await LocalTools.BashAsync(SystemdProcessManager.LogScript(_layout, "1.3.0", 8081), input: null);
        Assert.That(next, Is.Zero, nextErrors);
        await File.AppendAllTextAsync(unitLog, "another release\n");
        Assert.That(File.ReadAllText(_layout.LogFile("1.3.0", 8081)), Is.EqualTo("another release\n"));
        Assert.That(File.ReadAllText(_layout.LogFile("1.2.0", 8081)), Is.EqualTo("second start\n"), "the release before keeps its log");
    }
}
