using System.Text.RegularExpressions;
using Platform.Core;
using Platform.Release;

namespace Platform.Migrate;

/// <summary>A statement in an expand migration that would break the release still running.</summary>
public sealed record GuardViolation(string File, int Line, string Reason)
{
    public override string ToString() => $"{File}:{Line}: {Reason}";
}

/// <summary>
/// Refuses expand migrations that release N cannot survive: dropping or renaming tables and
/// columns, changing a column's type, SET NOT NULL, or a new NOT NULL column without a default.
/// Such changes belong in a contract migration, run once every node runs N+1.
/// Comments and string literals are ignored; each violation names file, line and reason.
/// </summary>
public static partial class ExpandGuard
{
    private static readonly (Regex Pattern, string Reason)[] Rules =
    [
        (DropTable(), "DROP TABLE removes a table release N may still use"),
        (DropColumn(), "DROP COLUMN removes a column release N may still read or write"),
        (Rename(), "RENAME changes a name release N still uses"),
        (AlterType(), "ALTER COLUMN … TYPE rewrites a column release N still reads and writes"),
        (SetNotNull(), "SET NOT NULL on an existing column breaks release N's inserts that leave it empty"),
    ];

    public static IReadOnlyList<GuardViolation> Check(MigrationScript script) => Check(File.ReadAllText(script.Path), script.DisplayPath);

    public static IReadOnlyList<GuardViolation> Check(string sql, string file)
    {
        var code = Blank(sql);
        var violations = new List<GuardViolation>();
        foreach (var (pattern, reason) in Rules)
        {
            violations.AddRange(pattern.Matches(code).Select(m => new GuardViolation(file, LineOf(code, m.Index), reason)));
        }

        foreach (Match add in AddColumn().Matches(code))
        {
            var definition = add.Groups["def"].Value;
            if (NotNull().IsMatch(definition) && !Default().IsMatch(definition))
            {
                violations.Add(new GuardViolation(file, LineOf(code, add.Index), "a new NOT NULL column without DEFAULT makes release N's inserts fail"));
            }
        }

        return violations.OrderBy(v => v.Line).ToList();
    }

    /// <summary>Throws, listing every violation, when any expand script breaks the rules.</summary>
    public static void Enforce(IEnumerable<MigrationScript> scripts)
    {
        var violations = scripts.Where(s => s.Phase == MigrationPhase.Expand).SelectMany(Check).ToList();
        if (violations.Count > 0)
        {
            throw new PlatformException(
                "Refusing to run: these expand migrations would break the release that is still running. Move them to db/contract/ (run after every node runs the new release):"
                + Environment.NewLine + string.Join(Environment.NewLine, violations.Select(v => "  " + v)));
        }
    }

    // Replaces comments and string literals by spaces (keeping line breaks) so keywords inside them do not count.
    private static string Blank(string sql) => CommentsAndStrings().Replace(sql, m => new string(m.Value.Select(c => c == '\n' ? '\n' : ' ').ToArray()));

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    [GeneratedRegex(@"--[^\n]*|/\*[\s\S]*?\*/|'(?:[^']|'')*'|\$\$[\s\S]*?\$\$")]
    private static partial Regex CommentsAndStrings();

    [GeneratedRegex(@"\bDROP\s+TABLE\b", RegexOptions.IgnoreCase)]
    private static partial Regex DropTable();

    [GeneratedRegex(@"\bDROP\s+(COLUMN\b|(?!CONSTRAINT\b|DEFAULT\b|NOT\b|INDEX\b|TABLE\b|VIEW\b|FUNCTION\b|TRIGGER\b|SEQUENCE\b|SCHEMA\b|TYPE\b|IF\b)(?=[""A-Za-z_]))", RegexOptions.IgnoreCase)]
    private static partial Regex DropColumn();

    [GeneratedRegex(@"\bRENAME\b", RegexOptions.IgnoreCase)]
    private static partial Regex Rename();

    [GeneratedRegex(@"\bALTER\s+(COLUMN\s+)?[""\w]+\s+(SET\s+DATA\s+)?TYPE\b", RegexOptions.IgnoreCase)]
    private static partial Regex AlterType();

    [GeneratedRegex(@"\bSET\s+NOT\s+NULL\b", RegexOptions.IgnoreCase)]
    private static partial Regex SetNotNull();

    [GeneratedRegex(@"\bADD\s+(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|CHECK\b|FOREIGN\b|EXCLUDE\b|VALUE\b)(COLUMN\s+)?(IF\s+NOT\s+EXISTS\s+)?(?<def>(?:\([^)]*\)|[^;,()])*)", RegexOptions.IgnoreCase)]
    private static partial Regex AddColumn();

    [GeneratedRegex(@"\bNOT\s+NULL\b", RegexOptions.IgnoreCase)]
    private static partial Regex NotNull();

    [GeneratedRegex(@"\bDEFAULT\b", RegexOptions.IgnoreCase)]
    private static partial Regex Default();
}
