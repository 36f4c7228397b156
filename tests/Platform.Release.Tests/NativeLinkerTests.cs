using Platform.Core;
using Platform.TestSupport;

namespace Platform.Release.Tests;

public sealed class NativeLinkerTests
{
    private string _root = null!;

    [SetUp]
    public void CreateFolders() => _root = RepositoryRoot.NewScratch("native-linker");

    [TearDown]
    public void RemoveFolders() => RepositoryRoot.RemoveScratch(_root);

    [Test]
    public void PlainClangComesFirst()
    {
        var path = PathOf(Dir("a", "gcc", "clang-18"), Dir("b", "clang"));
        Assert.That(NativeLinker.Find(path), Is.EqualTo("clang"));
    }

    [Test]
    public void TheNewestVersionedClangIsFoundWhenThereIsNoPlainOne()
    {
        // As Debian installs it: clang-14 only, next to clang-format, clang-tidy and friends.
        var path = PathOf(Dir("a", "clang-format", "clang-tidy-14", "clang-14", "gcc"), Dir("b", "clang-9", "clang-cpp-16"));
        Assert.That(NativeLinker.Find(path), Is.EqualTo("clang-14"));
    }

    [Test]
    public void GccIsTheLastResort()
    {
        Assert.That(NativeLinker.Find(PathOf(Dir("a", "clang-format", "gcc"))), Is.EqualTo("gcc"));
    }

    [Test]
    public void NothingFoundIsNull()
    {
        Assert.That(NativeLinker.Find(PathOf(Dir("a", "clang-format", "cc1"), Path.Combine(_root, "missing"))), Is.Null);
        Assert.That(NativeLinker.Find(null), Is.Null);
    }

    [Test]
    public void RequireSaysWhatToInstall()
    {
        var saved = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Environment.SetEnvironmentVariable("PATH", Dir("empty"));
            var error = Assert.Throws<PlatformException>(() => NativeLinker.Require());
            Assert.That(error!.Message, Does.Contain("apt-get install -y clang"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", saved);
        }
    }

    private string Dir(string name, params string[] programs)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        foreach (var program in programs)
        {
            File.WriteAllText(Path.Combine(dir, program), "#!/bin/sh\n");
        }

        return dir;
    }

    private static string PathOf(params string[] dirs) => string.Join(Path.PathSeparator, dirs);
}
