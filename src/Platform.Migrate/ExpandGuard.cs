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
/// columns, emptying a table, changing a column's type, SET NOT NULL, or a new NOT NULL column without a default.
/// Such changes belong in a contract migration, run once every node runs N+1. Refuses too what would stall N while it
/// runs, holding a lock that stops its queries for as long as the table takes to rewrite, index or scan: a new column
/// whose default is computed per row, an index built without CONCURRENTLY on an existing table, a constraint checked
/// on every row at once; each reason says the form that does not stall.
/// Comments and string literals are ignored (not the bodies of DO blocks and functions, which are code); each
/// violation names file, line and reason.
/// </summary>
public static partial class ExpandGuard
{
    private static readonly (Regex Pattern, string Reason)[] Rules =
    [
        (DropTable(), "DROP TABLE removes a table release N may still use"),
        (DropColumn(), "DROP COLUMN removes a column release N may still read or write"),
        (Truncate(), "TRUNCATE removes every row release N may still read"),
        (Rename(), "RENAME changes a name release N still uses"),
        (AlterType(), "ALTER COLUMN … TYPE rewrites a column release N still reads and writes"),
        (SetNotNull(), "SET NOT NULL on an existing column breaks release N's inserts that leave it empty"),
        (UniqueConstraint(), "ADD … UNIQUE/PRIMARY KEY builds an index under a lock that stops release N's writes until it is built: CREATE UNIQUE INDEX CONCURRENTLY first (a script of its own whose first line is -- evolve-tx-off), then ADD CONSTRAINT … USING INDEX"),
        (CheckedConstraint(), "ADD … CHECK/FOREIGN KEY checks every row under a lock that stops release N's writes: add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (which lets writes through)"),
    ];

    private const string RowByRowDefault =
        "a new column whose default is computed for each row (a volatile function, serial) rewrites the whole table under a lock that stops release N's queries: add it without that default (or with a constant one), then set the default and fill the rows in batches";

    private const string InlineUnique =
        "a new UNIQUE/PRIMARY KEY column builds an index under a lock that stops release N's writes: add the column plain, CREATE UNIQUE INDEX CONCURRENTLY (a script of its own whose first line is -- evolve-tx-off), then ADD CONSTRAINT … USING INDEX";

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

            if (RowByRow().IsMatch(definition))
            {
                violations.Add(new GuardViolation(file, LineOf(code, add.Index), RowByRowDefault));
            }

            if (InlineKey().IsMatch(definition))
            {
                violations.Add(new GuardViolation(file, LineOf(code, add.Index), InlineUnique));
            }
        }

        // An index on a table this script creates is built before anything uses it; on an existing table, it stops writes.
        var created = CreatedTable().Matches(code).Select(m => Unquoted(m.Groups["table"].Value)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (Match index in PlainIndex().Matches(code))
        {
            var table = Unquoted(index.Groups["table"].Value);
            if (!created.Contains(table))
            {
                violations.Add(new GuardViolation(file, LineOf(code, index.Index), $"CREATE INDEX blocks writes to {table} while it builds: CREATE INDEX CONCURRENTLY instead, in a script of its own whose first line is -- evolve-tx-off"));
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
                "Refusing to run: these expand migrations would break or stall the release that is still running. What it cannot survive belongs in db/contract/ (run after every node runs the new release); what would stall it has a form that does not, named on its line:"
                + Environment.NewLine + string.Join(Environment.NewLine, violations.Select(v => "  " + v)));
        }
    }

    // A table's name without its schema or quotes, as CREATE TABLE and CREATE INDEX … ON may write it.
    private static string Unquoted(string name) => name.Split('.')[^1].Trim('"');

    // Replaces comments and string literals by spaces (keeping line breaks) so keywords inside them do not count.
    // Dollar-quoted text is left alone: it is the body of a DO block or a function, which runs.
    private static string Blank(string sql) => CommentsAndStrings().Replace(sql, m => new string(m.Value.Select(c => c == '\n' ? '\n' : ' ').ToArray()));

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    // E'…' strings take backslash escapes (E'it\'s'); plain ones only doubled quotes.
    [GeneratedRegex(@"--[^\n]*|/\*[\s\S]*?\*/|\b[Ee]'(?:[^'\\]|\\[\s\S]|'')*'|'(?:[^']|'')*'")]
    private static partial Regex CommentsAndStrings();

    [GeneratedRegex(@"\bTRUNCATE\b", RegexOptions.IgnoreCase)]
    private static partial Regex Truncate();

    [GeneratedRegex(@"\bADD\s+(?:CONSTRAINT\s+[""\w]+\s+)?(?:UNIQUE|PRIMARY\s+KEY)\b(?![^;]*\bUSING\s+INDEX\b)", RegexOptions.IgnoreCase)]
    private static partial Regex UniqueConstraint();

    [GeneratedRegex(@"\bADD\s+(?:CONSTRAINT\s+[""\w]+\s+)?(?:CHECK|FOREIGN\s+KEY)\b(?![^;]*\bNOT\s+VALID\b)", RegexOptions.IgnoreCase)]
    private static partial Regex CheckedConstraint();

    [GeneratedRegex(@"\b(?:small|big)?serial[248]?\b|\bDEFAULT\s+(?:[\w""]+\.)?(?:gen_random_uuid|uuid_generate_v[14]|random|clock_timestamp|timeofday|nextval)\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex RowByRow();

    [GeneratedRegex(@"\b(?:UNIQUE|PRIMARY\s+KEY)\b", RegexOptions.IgnoreCase)]
    private static partial Regex InlineKey();

    [GeneratedRegex(@"\bCREATE\s+(?:UNLOGGED\s+|TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?<table>[""\w.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex CreatedTable();

    [GeneratedRegex(@"\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY\b)(?:IF\s+NOT\s+EXISTS\s+)?(?:[""\w.]+\s+)?ON\s+(?:ONLY\s+)?(?<table>[""\w.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex PlainIndex();

    [GeneratedRegex(@"\bDROP\s+TABLE\b", RegexOptions.IgnoreCase)]
    private static partial Regex DropTable();

    // ALTER TABLE … DROP [COLUMN] [IF EXISTS] name; not the DROP of other things (DROP DEFAULT, DROP INDEX, …).
    [GeneratedRegex(@"\bDROP\s+(COLUMN\b|IF\s+EXISTS\b|(?!CONSTRAINT\b|DEFAULT\b|NOT\b|INDEX\b|TABLE\b|VIEW\b|MATERIALIZED\b|FUNCTION\b|PROCEDURE\b|TRIGGER\b|SEQUENCE\b|SCHEMA\b|TYPE\b|DOMAIN\b|EXTENSION\b|POLICY\b|RULE\b|ROLE\b|USER\b|OWNED\b|EXPRESSION\b|IDENTITY\b|STATISTICS\b|IF\b)(?=[""A-Za-z_]))", RegexOptions.IgnoreCase)]
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
