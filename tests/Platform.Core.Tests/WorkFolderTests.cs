using Platform.Core;
using Platform.TestSupport;

namespace Platform.Core.Tests;

public sealed class WorkFolderTests
{
    private string _root = null!;
    private EnvironmentLayout _layout = null!;

    [SetUp]
    public void CreateRoot()
    {
        _root = RepositoryRoot.NewScratch("work-folder");
        _layout = new EnvironmentLayout(_root, "local");
    }

    [TearDown]
    public void RemoveRoot() => RepositoryRoot.RemoveScratch(_root);

    [Test]
    public void Each_run_gets_an_owner_only_folder_of_its_own_and_the_last_one_done_leaves_no_tmp_behind()
    {
        var first = WorkFolder.Create(_layout, "apply");
        var second = WorkFolder.Create(_layout, "apply");
        File.WriteAllText(Path.Combine(first.Path, "plan.tfplan"), "secret state");

        Assert.That(first.Path, Is.Not.EqualTo(second.Path));
        Assert.That(Path.GetDirectoryName(first.Path), Is.EqualTo(Path.Combine(_layout.StateDir, "tmp")));
        Assert.That(Path.GetFileName(first.Path), Does.StartWith("apply-"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(first.Path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        }

        first.Dispose();
        Assert.That(Directory.Exists(first.Path), Is.False, "removed with what it held");
        Assert.That(Directory.Exists(second.Path), Is.True, "another run's folder stays, and tmp/ with it");

        second.Dispose();
        Assert.That(Directory.Exists(Path.Combine(_layout.StateDir, "tmp")), Is.False);
        Assert.That(Directory.Exists(_layout.StateDir), Is.True, "only tmp/ goes");
        Assert.DoesNotThrow(second.Dispose, "disposing twice is harmless");
    }

    [Test]
    public void A_folder_a_killed_run_left_a_day_ago_is_removed_by_the_next_run_and_a_recent_one_is_kept()
    {
        var tmp = Path.Combine(_layout.StateDir, "tmp");
        var abandoned = Directory.CreateDirectory(Path.Combine(tmp, "migrate-abandoned")).FullName;
        File.WriteAllText(Path.Combine(abandoned, "V1__x.sql"), "select 1;");
        Directory.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow - WorkFolder.Abandoned - TimeSpan.FromMinutes(1));
        var recent = Directory.CreateDirectory(Path.Combine(tmp, "apply-running")).FullName;

        using var folder = WorkFolder.Create(_layout, "smoke");

        Assert.That(Directory.Exists(abandoned), Is.False);
        Assert.That(Directory.Exists(recent), Is.True, "another run's, still going");
    }
}
