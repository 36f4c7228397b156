using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Core;

namespace Platform.Release;

/// <summary>When a migration runs: <c>expand</c> before the roll (release N still runs), <c>contract</c> after it.</summary>
public enum MigrationPhase
{
    Expand,
    Contract,
}

/// <summary>One SQL migration file, <c>db/&lt;phase&gt;/V&lt;n&gt;__&lt;description&gt;.sql</c>.</summary>
public sealed partial record MigrationScript(MigrationPhase Phase, int Version, string Description, string Path)
{
    public string FileName => System.IO.Path.GetFileName(Path);

    public string DisplayPath => $"db/{Phase.ToString().ToLowerInvariant()}/{FileName}";

    /// <summary>Every migration of a release's <c>db/</c> folder, ordered by version; bad names and duplicate versions are refused.</summary>
    public static IReadOnlyList<MigrationScript> LoadAll(string dbDir)
    {
        var scripts = new List<MigrationScript>();
        foreach (var phase in Enum.GetValues<MigrationPhase>())
        {
            var dir = System.IO.Path.Combine(dbDir, phase.ToString().ToLowerInvariant());
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.GetFiles(dir))
            {
                var match = FileNamePattern().Match(System.IO.Path.GetFileName(file));
                if (!match.Success)
                {
                    throw new PlatformException($"{file}: migration files are named V<n>__<description>.sql (e.g. V5__items_sku.sql).");
                }

                scripts.Add(new MigrationScript(phase, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, file));
            }
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new PlatformException($"Migration version {duplicate.Key} is used twice: {string.Join(" and ", duplicate.Select(s => s.DisplayPath))}. Versions are unique across expand and contract.");
        }

        return scripts.OrderBy(s => s.Version).ToList();
    }

    [GeneratedRegex(@"^V(\d+)__([A-Za-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}
