using Platform.TestSupport;
using Platform.Testing;

namespace Platform.Core.Tests;

public sealed class LeftoverScratchTests
{
    private string _root = null!;

    [SetUp]
    public void CreateFolder() => _root = RepositoryRoot.NewScratch("leftover-scratch");

    [TearDown]
    public void RemoveFolder() => RepositoryRoot.RemoveScratch(_root);

    [Test]
    public void Only_fixture_scratch_folders_are_removed()
    {
        foreach (var name in new[] { "zerodowntime-db5eb540", "local-pg-1a2b3c4d", "ranges", "notes-XYZ12345", "keep" })
        {
            Directory.CreateDirectory(Path.Combine(_root, name, "state"));
        }

        File.WriteAllText(Path.Combine(_root, "zerodowntime-db5eb540", "state", "terraform.tfstate"), "{}");

        var removed = LeftoverScratch.RemoveAll(_root).Select(Path.GetFileName);

        Assert.That(removed, Is.EquivalentTo(new[] { "zerodowntime-db5eb540", "local-pg-1a2b3c4d" }));
        Assert.That(Directory.GetDirectories(_root).Select(Path.GetFileName), Is.EquivalentTo(new[] { "ranges", "notes-XYZ12345", "keep" }));
        Assert.That(LeftoverScratch.RemoveAll(Path.Combine(_root, "missing")), Is.Empty);
    }
}
