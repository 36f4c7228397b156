using Platform.Core;
using Platform.TestSupport;

namespace Platform.Release.Tests;

/// <summary>The release tarball as tar itself lists it: what the nodes' unpacking (as root) will create.</summary>
public sealed class ReleaseArchiveTests
{
    private string _root = null!;
    private readonly CommandRunner _commands = new(new ConsoleReporter(), new SecretRedactor());

    [SetUp]
    public void CreateFolder() => _root = RepositoryRoot.NewScratch("release-archive");

    [TearDown]
    public void RemoveFolder() => RepositoryRoot.RemoveScratch(_root);

    [Test]
    public async Task Files_published_under_a_strict_umask_are_packed_readable_by_the_slots_own_user_and_owned_by_root()
    {
        // As dotnet publish leaves them for an operator whose umask is 077.
        var app = Directory.CreateDirectory(Path.Combine(_root, "release", "app"));
        File.SetUnixFileMode(app.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var program = Path.Combine(app.FullName, "Catalog.Service");
        var settings = Path.Combine(app.FullName, "appsettings.json");
        await File.WriteAllTextAsync(program, "#!/bin/sh\n");
        await File.WriteAllTextAsync(settings, "{}");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(settings, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var tarball = Path.Combine(_root, "release" + ReleaseArchive.Extension);

        await ReleaseArchive.CreateAsync(Path.Combine(_root, "release"), tarball, _commands);

        var listing = (await _commands.RunAsync("tar", ["--zstd", "-tvf", tarball, "--numeric-owner"])).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(fields => fields[^1].TrimEnd('/'), fields => (Mode: fields[0], Owner: fields[1]));
        Assert.That(listing["./app"], Is.EqualTo(("drwxr-xr-x", "0/0")));
        Assert.That(listing["./app/Catalog.Service"], Is.EqualTo(("-rwxr-xr-x", "0/0")), "still a program, and anyone may run it");
        Assert.That(listing["./app/appsettings.json"], Is.EqualTo(("-rw-r--r--", "0/0")), "readable, not made executable");
    }
}
