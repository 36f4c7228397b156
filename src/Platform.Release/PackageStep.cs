using Platform.Core;

namespace Platform.Release;

/// <summary>
/// The Package target's build (build.cake calls <c>CheckedPackageStep</c> in Platform.Deploy, which refuses a
/// breaking expand migration first): publishes the component (compiled ahead of time to a native linux-x64
/// executable: no .NET runtime on the nodes, and a start-up that costs a tenth of the JIT's) into
/// <c>artifacts/releases/catalog-&lt;version&gt;.tar.zst</c> (<c>app/</c>, <c>manifest.json</c>: what the
/// nodes get) and its smoke tests into <c>catalog-&lt;version&gt;-smoke.tar.zst</c>, each with a
/// <c>.sha256</c>, and the manifest beside them.
/// <c>--version</c> (default from git); <c>--schema=N</c> cuts the release at migration level N
/// (default: every migration in the tree; used to build an older release N from the tree);
/// <c>--fault=never-ready</c> builds a release that never becomes ready (tests only).
/// A release that exists with the same sources and settings is not rebuilt; one built from other
/// sources is never overwritten silently (<c>--force</c>).
/// </summary>
public sealed class PackageStep(RunContext run)
{
    public const string ServiceProject = "src/Catalog.Service/Catalog.Service.csproj";
    public const string SmokeProject = "tests/Catalog.Smoke/Catalog.Smoke.csproj";
    private static readonly string[] Sources = ["src/Catalog.Service", "src/Catalog.Client", "tests/Catalog.Smoke", "Directory.Build.props", "Directory.Packages.props", "tests/Directory.Build.props"];

    public async Task<PackagedRelease> RunAsync()
    {
        var version = await ReleaseVersion.ResolveAsync(run);
        var schema = run.Arguments.Has("schema") ? run.Arguments.GetInt("schema", 0, min: 1, max: 100000) : (int?)null;
        var fault = run.Arguments.Get("fault", "none");
        if (fault is not ("none" or "never-ready"))
        {
            throw new PlatformException($"--fault={fault} is not known: use none or never-ready.");
        }

        var repo = run.Layout.RepoRoot;
        var store = new ReleaseStore(run.Layout.ReleasesDir);
        var buildKey = SourceFingerprint.Compute(repo, Sources, [version, $"schema={schema}", $"fault={fault}", "aot", "smoke-tarball"]);
        if (store.Exists(version))
        {
            var existing = store.Find(version);
            var damaged = existing.Manifest.BuildKey == buildKey ? await ReleaseStore.DamagedFilesAsync(existing, run.Cancellation) : [];
            if (damaged.Count > 0)
            {
                // Same sources, same settings: rebuilding gives the release it was meant to be.
                run.Reporter.Warn($"{string.Join(" and ", damaged)} no longer match(es) the checksum Package wrote (damaged or altered): packaging {ReleaseManifest.Component}-{version} again from the same sources.");
            }
            else if (existing.Manifest.BuildKey == buildKey)
            {
                run.Reporter.Info($"{ReleaseManifest.Component}-{version} is up to date ({existing.Tarball})" +
                    (run.Arguments.GetFlag("force") ? ": built from these same sources, so --force has nothing to replace." : string.Empty));
                return existing;
            }
            else if (!run.Arguments.GetFlag("force"))
            {
                throw new PlatformException(
                    $"{ReleaseManifest.Component}-{version} already exists and {Difference(existing.Manifest, schema, fault, Migrations(Path.Combine(repo, "src", "Catalog.Service", "db")))}. " +
                    "Releases are immutable: to deploy it as packaged, pass the settings it was built with; to ship something else, use a new --version. " +
                    "(--force rebuilds it in place, so the same version would mean different code wherever it runs.)");
            }
        }

        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would package {ReleaseManifest.Component}-{version} into {store.TarballPath(version)}");
            return new PackagedRelease(version, store.TarballPath(version), string.Empty, null!);
        }

        var linker = NativeLinker.Require();
        if (ToolLocator.Find(ReleaseArchive.Compressor) is null)
        {
            throw new PlatformException($"Package compresses releases with {ReleaseArchive.Compressor}, which is not on PATH. Install it (Debian/Ubuntu: apt-get install -y zstd) and run Package again.");
        }

        Directory.CreateDirectory(store.Directory);
        using var packaging = await FileLock.AcquireAsync(Path.Combine(store.Directory, ".package.lock"), TimeSpan.FromMinutes(10), run.Cancellation);
        var staging = Path.Combine(store.Directory, $".staging-{Guid.NewGuid():N}");
        try
        {
            // Without --schema, the release is cut at the tree's highest migration, whatever Catalog.props says by
            // default: a migration added without raising it there would otherwise be left out of every release.
            var level = schema ?? Migrations(Path.Combine(repo, "src", "Catalog.Service", "db")).Select(m => m.Version).DefaultIfEmpty(0).Max();
            var properties = new List<string> { $"-p:Version={version}", $"-p:CatalogFault={fault}", $"-p:CatalogSchema={level}" };

            run.Reporter.Info($"Publishing {ServiceProject} {version}{(schema is null ? string.Empty : $" at schema {schema}")}, native (linked with {linker}; about a minute)");
            // Native AOT: a new release is ready in ~0.1 s on ~0.05 s of CPU, so starting it barely
            // touches the node still serving N (the JIT needed ~0.5 s of CPU).
            var release = Path.Combine(staging, "release");
            var app = Path.Combine(release, "app");
            await PublishAsync(ServiceProject, app, ["-r", "linux-x64", "-p:PublishAot=true", $"-p:CppCompilerAndLinker={linker}", .. properties]);
            // The native debug symbols (twice the executable's size) stay out of the release.
            foreach (var symbols in Directory.GetFiles(app, "*.dbg"))
            {
                File.Delete(symbols);
            }

            // The smoke tests run from the operator's side: a tarball of their own, so the nodes get only
            // what they run (a third of the bytes to upload and unpack).
            run.Reporter.Info($"Publishing {SmokeProject} (the release's smoke tests)");
            var smokeRoot = Path.Combine(staging, "smoke-tests");
            await PublishAsync(SmokeProject, Path.Combine(smokeRoot, "smoke"), properties);

            var migrations = Migrations(Path.Combine(app, "db"));
            var manifest = new ReleaseManifest
            {
                Version = version,
                GitCommit = await GitCommitAsync(),
                Created = DateTimeOffset.UtcNow,
                RequiredSchema = migrations.Where(m => m.Phase == "expand").Select(m => m.Version).DefaultIfEmpty(0).Max(),
                CatalogSchema = migrations.Select(m => m.Version).DefaultIfEmpty(0).Max(),
                Migrations = migrations.Select(m => m.Path).ToList(),
                Fault = fault,
                BuildKey = buildKey,
            };
            AtomicFile.WriteAllText(Path.Combine(release, "manifest.json"), manifest.ToJson());

            // The smoke tarball first: a release counts as packaged once its main tarball's checksum is written.
            await TarAsync(smokeRoot, store.SmokeTarballPath(version));
            var tarball = store.TarballPath(version);
            var sha = await TarAsync(release, tarball);
            AtomicFile.WriteAllText(store.ManifestPath(version), manifest.ToJson());
            // A forced rebuild of a release packaged as .tar.gz: one tarball per version, the new one.
            foreach (var legacy in store.LegacyFiles(version).ToList())
            {
                File.Delete(legacy);
            }

            run.Reporter.Info($"Packaged {tarball} (sha256 {sha[..12]}…, requires schema {manifest.RequiredSchema}, {manifest.Migrations.Count} migrations) and its smoke tests ({Path.GetFileName(store.SmokeTarballPath(version))})");
            return store.Find(version);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    // The tarball of a folder, written next to its final name and moved into place, with its .sha256.
    private async Task<string> TarAsync(string folder, string tarball)
    {
        var temp = tarball + ".tmp";
        await ReleaseArchive.CreateAsync(folder, temp, run.Commands, run.Cancellation);
        File.Move(temp, tarball, overwrite: true);
        return await ReleaseStore.WriteSha256Async(tarball, run.Cancellation);
    }

    // A native publish takes about a minute with nothing to show: a line every 15 s says it is still going.
    private Task PublishAsync(string project, string output, IEnumerable<string> extra) =>
        ProgressTicker.WhileAsync(
            () => run.Commands.RunAsync(
                "dotnet",
                ["publish", Path.Combine(run.Layout.RepoRoot, project), "-c", "Release", "-o", output, "--nologo", "-v", "q", .. extra],
                new CommandOptions { WorkingDirectory = run.Layout.RepoRoot, Timeout = TimeSpan.FromMinutes(10) },
                run.Cancellation),
            TimeSpan.FromSeconds(15),
            elapsed => run.Reporter.Info($"Publishing {Path.GetFileNameWithoutExtension(project)}: {elapsed.TotalSeconds:0} s so far"),
            run.Cancellation);

    private async Task<string> GitCommitAsync()
    {
        var options = new CommandOptions { WorkingDirectory = run.Layout.RepoRoot, AllowFailure = true };
        var head = await run.Commands.RunAsync("git", ["rev-parse", "HEAD"], options, run.Cancellation);
        if (!head.Succeeded)
        {
            return "unknown";
        }

        var dirty = await run.Commands.RunAsync("git", ["status", "--porcelain", "--", .. Sources], options, run.Cancellation);
        return head.StandardOutput.Trim() + (dirty.StandardOutput.Trim().Length > 0 ? "-dirty" : string.Empty);
    }

    /// <summary>Why a packaged release does not match this run, in the user's terms (the arguments to pass, or the sources).</summary>
    internal static string Difference(ReleaseManifest existing, int? schema, string fault, IReadOnlyList<(string Phase, int Version, string Path)> treeMigrations)
    {
        var wanted = schema ?? treeMigrations.Select(m => m.Version).DefaultIfEmpty(0).Max();
        // The tree still holds the migrations the release shipped (none added below its level, none renamed):
        // then its --schema is what tells them apart.
        var sameMigrations = existing.Migrations.SequenceEqual(treeMigrations.Where(m => m.Version <= existing.CatalogSchema).Select(m => m.Path));
        var differences = new List<string>();
        if (!sameMigrations)
        {
            differences.Add($"its migrations differ from the tree's up to its schema {existing.CatalogSchema} (it ships {(existing.Migrations.Count == 0 ? "none" : string.Join(", ", existing.Migrations))})");
        }
        else if (existing.CatalogSchema != wanted)
        {
            differences.Add($"it was cut at schema {existing.CatalogSchema} (--schema={existing.CatalogSchema}), this run {(schema is null ? $"cuts at the tree's level, {wanted}" : $"asks for --schema={schema}")}");
        }

        if (existing.Fault != fault)
        {
            differences.Add($"it was built with --fault={existing.Fault}, this run with {(fault == "none" ? "none" : $"--fault={fault}")}");
        }

        return differences.Count > 0
            ? string.Join("; ", differences)
            : $"was built from other sources (commit {existing.GitCommit}, {existing.Created:yyyy-MM-dd HH:mm} UTC) than the tree's, or with --schema={existing.CatalogSchema} given where this run leaves it out (or the reverse)";
    }

    // Read as MigrateDb reads them: a file not named V<n>__<description>.sql stops the packaging, rather than
    // being shipped as version 0 and refused only when a deploy migrates.
    internal static IReadOnlyList<(string Phase, int Version, string Path)> Migrations(string dbDir) =>
        [.. MigrationScript.LoadAll(dbDir).Select(m => (Phase: m.Phase.ToString().ToLowerInvariant(), m.Version, Path: $"{m.Phase.ToString().ToLowerInvariant()}/{m.FileName}")).OrderBy(m => m.Version)];
}
