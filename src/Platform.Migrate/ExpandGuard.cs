using System.Text.RegularExpressions;
using Platform.Core;
using Platform.Release;

namespace Platform.Migrate;

/// <summary>
/// A statement in an expand migration that would break the release still running, or (<see cref="Stalls"/>) hold a
/// lock that stops its queries for as long as the table takes to rewrite, index or scan.
/// </summary>
public sealed record GuardViolation(string File, int Line, string Reason, bool Stalls = false)
{
    public override string ToString() => $"{File}:{Line}: {Reason}";
}

/// <summary>
/// Refuses expand migrations that release N cannot survive: dropping or renaming tables and
/// columns, emptying a table, changing a column's type, SET NOT NULL, or a new NOT NULL column without a default.
/// Such changes belong in a contract migration, run once every node runs N+1. Refuses too what would stall N while it
/// runs, holding a lock that stops its queries for as long as the table takes to rewrite, index or scan: a new column
/// whose default is computed per row, an index built without CONCURRENTLY, a constraint checked on every row at once;
/// each reason says the form that does not stall. A table the same script creates is exempt from those (nothing uses
/// it yet), and so are the scripts the database has applied already (they cannot change; Package only warns of them).
/// Comments, string literals and dollar-quoted text are ignored, but the body of a DO block, which runs; each
/// violation names file, line and reason.
/// </summary>
public static partial class ExpandGuard
{
    private static readonly (Regex Pattern, string Reason)[] Breaking =
    [
        (DropTable(), "DROP TABLE removes a table release N may still use"),
        (DropColumn(), "DROP COLUMN removes a column release N may still read or write"),
        (Truncate(), "TRUNCATE removes every row release N may still read"),
        (Rename(), "RENAME changes a name release N still uses"),
        (AlterType(), "ALTER COLUMN … TYPE rewrites a column release N still reads and writes"),
        (SetNotNull(), "SET NOT NULL on an existing column breaks release N's inserts that leave it empty"),
    ];

    private static readonly (Regex Pattern, string Reason)[] Stalling =
    [
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
        foreach (var (pattern, reason) in Breaking)
        {
            violations.AddRange(pattern.Matches(code).Select(m => new GuardViolation(file, LineOf(code, m.Index), reason)));
        }

        // A table this script creates is not used by release N yet: whatever it does to it stalls nothing.
        var created = CreatedTable().Matches(code).Select(m => Unquoted(m.Groups["table"].Value)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        void Stall(int at, string reason, string? table = null)
        {
            if (!created.Contains(table ?? AlteredTable(code, at) ?? string.Empty))
            {
                violations.Add(new GuardViolation(file, LineOf(code, at), reason, Stalls: true));
            }
        }

        foreach (var (pattern, reason) in Stalling)
        {
            foreach (Match m in pattern.Matches(code))
            {
                Stall(m.Index, reason);
            }
        }

        foreach (Match add in AddColumn().Matches(code))
        {
            var definition = add.Groups["def"].Value;
            if (NotNull().IsMatch(definition) && !Default().IsMatch(definition) && !created.Contains(AlteredTable(code, add.Index) ?? string.Empty))
            {
                violations.Add(new GuardViolation(file, LineOf(code, add.Index), "a new NOT NULL column without DEFAULT makes release N's inserts fail"));
            }

            if (SerialType().IsMatch(definition) || VolatileDefault().IsMatch(definition))
            {
                Stall(add.Index, RowByRowDefault);
            }

            if (InlineKey().IsMatch(definition))
            {
                Stall(add.Index, InlineUnique);
            }
        }

        foreach (Match index in PlainIndex().Matches(code))
        {
            var table = Unquoted(index.Groups["table"].Value);
            Stall(index.Index, $"CREATE INDEX blocks writes to {table} while it builds: CREATE INDEX CONCURRENTLY instead, in a script of its own whose first line is -- evolve-tx-off", table);
        }

        return violations.OrderBy(v => v.Line).ToList();
    }

    /// <summary>
    /// Throws, listing every violation, when an expand script the database has not applied breaks the rules.
    /// </summary>
    /// <param name="applied">The versions the database has applied: their scripts are exempt (they cannot change).</param>
    /// <param name="warnStalls">Package, which cannot tell what a database applied: what only stalls is said here, not refused (MigrateDb refuses it unless applied).</param>
    public static void Enforce(IEnumerable<MigrationScript> scripts, IReadOnlySet<int>? applied = null, IReporter? warnStalls = null, string refusal = "Refusing to run")
    {
        var violations = scripts.Where(s => s.Phase == MigrationPhase.Expand && applied?.Contains(s.Version) != true).SelectMany(Check).ToList();
        if (warnStalls is not null && violations.Where(v => v.Stalls).ToList() is { Count: > 0 } stalls)
        {
            warnStalls.Warn("These expand migrations would stall the release that is still running, each in a way its line names how to avoid; MigrateDb refuses them unless the database has applied them already:"
                + Environment.NewLine + string.Join(Environment.NewLine, stalls.Select(v => "  " + v)));
            violations.RemoveAll(v => v.Stalls);
        }

        if (violations.Count > 0)
        {
            throw new PlatformException(
                $"{refusal}: these expand migrations would break or stall the release that is still running. What it cannot survive belongs in db/contract/ (run after every node runs the new release); what would stall it has a form that does not, named on its line:"
                + Environment.NewLine + string.Join(Environment.NewLine, violations.Select(v => "  " + v)));
        }
    }

    // The table an ALTER TABLE statement changes, read back from a position inside it; null outside one.
    private static string? AlteredTable(string code, int at)
    {
        var start = code.LastIndexOf(';', Math.Max(0, at - 1)) + 1;
        return AlterTable().Match(code, start, at - start) is { Success: true } m ? Unquoted(m.Groups["table"].Value) : null;
    }

    // A table's name without its schema or quotes, as CREATE TABLE and CREATE INDEX … ON may write it.
    private static string Unquoted(string name) => name.Split('.')[^1].Trim('"');

    // Replaces comments and string literals by spaces (keeping line breaks) so keywords inside them do not count. The
    // dollar-quoted body of a DO block is code that runs, so it is kept (a function's body only runs when called).
    private static string Blank(string sql) => CommentsAndStrings().Replace(sql, m =>
        m.Value.StartsWith('$') && DoBefore().IsMatch(sql.AsSpan(0, m.Index))
            ? m.Value
            : new string(m.Value.Select(c => c == '\n' ? '\n' : ' ').ToArray()));

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    // E'…' strings take backslash escapes (E'it\'s'); plain ones only doubled quotes; $tag$…$tag$ (or $$…$$) nothing.
    [GeneratedRegex(@"--[^\n]*|/\*[\s\S]*?\*/|\b[Ee]'(?:[^'\\]|\\[\s\S]|'')*'|'(?:[^']|'')*'|\$(?<tag>[A-Za-z_][A-Za-z_0-9]*|)\$[\s\S]*?\$\k<tag>\$")]
    private static partial Regex CommentsAndStrings();

    [GeneratedRegex(@"\bDO\s+(?:LANGUAGE\s+\w+\s+)?$", RegexOptions.IgnoreCase)]
    private static partial Regex DoBefore();

    [GeneratedRegex(@"\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?<table>[""\w.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex AlterTable();

    [GeneratedRegex(@"\bTRUNCATE\b", RegexOptions.IgnoreCase)]
    private static partial Regex Truncate();

    [GeneratedRegex(@"\bADD\s+(?:CONSTRAINT\s+[""\w]+\s+)?(?:UNIQUE|PRIMARY\s+KEY)\b(?![^;]*\bUSING\s+INDEX\b)", RegexOptions.IgnoreCase)]
    private static partial Regex UniqueConstraint();

    [GeneratedRegex(@"\bADD\s+(?:CONSTRAINT\s+[""\w]+\s+)?(?:CHECK|FOREIGN\s+KEY)\b(?![^;]*\bNOT\s+VALID\b)", RegexOptions.IgnoreCase)]
    private static partial Regex CheckedConstraint();

    // The type right after the new column's name (a column may be named serial).
    [GeneratedRegex(@"^\s*[""\w]+\s+(?:small|big)?serial[248]?\b", RegexOptions.IgnoreCase)]
    private static partial Regex SerialType();

    [GeneratedRegex(@"\bDEFAULT\s+(?:[\w""]+\.)?(?:gen_random_uuid|uuid_generate_v[14]|random|clock_timestamp|timeofday|nextval)\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex VolatileDefault();

    [GeneratedRegex(@"\b(?:UNIQUE|PRIMARY\s+KEY)\b", RegexOptions.IgnoreCase)]
    private static partial Regex InlineKey();

    [GeneratedRegex(@"\bCREATE\s+(?:UNLOGGED\s+|TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?<table>[""\w.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex CreatedTable();

    [GeneratedRegex(@"\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY\b)(?:IF\s+NOT\s+EXISTS\s+)?(?:[""\w.]+\s+)?ON\s+(?:ONLY\s+)?(?<table>[""\w.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex PlainIndex();

    [GeneratedRegex(@"\bDROP\s+TABLE\b", RegexOptions.IgnoreCase)]
    private static partial Regex DropTable();

    // ALTER TABLE … DROP [COLUMN] [IF EXISTS] name; not the DROP of other things (DROP DEFAULT, DROP INDEX, …).
    [GeneratedRegex(@"\bDROP\s+(COLUMN\b|IF\s+EXISTS\b|(?!CONSTRAINT\b|DEFAULT\b|NOT\b|INDEX\b|TABLE\b|VIEW\b|MATERIALIZED\b|FUNCTION\b|PROCEDURE\b|TRIGGER\b|SEQUENCE\b|SCHEMA\b|TYPE\b|DOMAIN\b|EXTENSION\b|POLICY\b|RULE\b|ROLE\b|USER\b|OWNED\b|EXPRESSION\b|IDENTITY\b|STATISTICS\b|PUBLICATION\b|SUBSCRIPTION\b|AGGREGATE\b|OPERATOR\b|CAST\b|SERVER\b|EVENT\b|FOREIGN\b|COLLATION\b|CONVERSION\b|LANGUAGE\b|TABLESPACE\b|DATABASE\b|ACCESS\b|TEXT\b|TRANSFORM\b|ROUTINE\b|IF\b)(?=[""A-Za-z_]))", RegexOptions.IgnoreCase)]
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
