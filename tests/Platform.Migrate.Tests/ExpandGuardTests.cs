using Platform.Core;
using Platform.Release;

namespace Platform.Migrate.Tests;

public sealed class ExpandGuardTests
{
    [TestCase("ALTER TABLE items DROP COLUMN search_name;", "DROP COLUMN")]
    [TestCase("alter table items drop search_name;", "DROP COLUMN")]
    [TestCase("DROP TABLE legacy;", "DROP TABLE")]
    [TestCase("ALTER TABLE items RENAME COLUMN name TO title;", "RENAME")]
    [TestCase("ALTER TABLE items RENAME TO products;", "RENAME")]
    [TestCase("ALTER TABLE items ALTER COLUMN price TYPE bigint;", "TYPE")]
    [TestCase("ALTER TABLE items ALTER COLUMN price SET DATA TYPE bigint;", "TYPE")]
    [TestCase("ALTER TABLE items ALTER COLUMN name SET NOT NULL;", "SET NOT NULL")]
    [TestCase("ALTER TABLE items ADD COLUMN sku text NOT NULL;", "NOT NULL column without DEFAULT")]
    [TestCase("ALTER TABLE items ADD COLUMN amount numeric(12,2) NOT NULL;", "NOT NULL column without DEFAULT")]
    [TestCase("ALTER TABLE items DROP IF EXISTS search_name;", "DROP COLUMN")]
    [TestCase("TRUNCATE items;", "TRUNCATE removes every row")]
    // A DO block's body is code, not a string.
    [TestCase("DO $$ BEGIN ALTER TABLE items DROP COLUMN search_name; END $$;", "DROP COLUMN")]
    // An E'' string ends at its own closing quote: what follows it is checked.
    [TestCase("SELECT E'it\\'s';\nALTER TABLE items DROP COLUMN search_name;", "DROP COLUMN")]
    // What stalls release N: a lock on its table for as long as the table takes to rewrite, index or scan.
    [TestCase("ALTER TABLE items ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid();", "computed for each row")]
    [TestCase("ALTER TABLE items ADD COLUMN seq bigserial;", "computed for each row")]
    [TestCase("CREATE INDEX items_name ON items (lower(name));", "CREATE INDEX blocks writes to items")]
    [TestCase("CREATE UNIQUE INDEX IF NOT EXISTS items_name ON public.items (name);", "CREATE INDEX CONCURRENTLY instead")]
    [TestCase("ALTER TABLE items ADD CONSTRAINT name_present CHECK (name IS NOT NULL);", "add it NOT VALID")]
    [TestCase("ALTER TABLE items ADD FOREIGN KEY (tag_id) REFERENCES tags (id);", "add it NOT VALID")]
    [TestCase("ALTER TABLE items ADD CONSTRAINT items_name_key UNIQUE (name);", "USING INDEX")]
    [TestCase("ALTER TABLE items ADD COLUMN sku text UNIQUE;", "a new UNIQUE/PRIMARY KEY column")]
    public void Breaking_statements_are_refused_with_the_reason(string sql, string reason)
    {
        var violation = ExpandGuard.Check(sql, "db/expand/V9__x.sql").Single();

        Assert.That(violation.File, Is.EqualTo("db/expand/V9__x.sql"));
        Assert.That(violation.Reason, Does.Contain(reason));
    }

    [TestCase("ALTER TABLE items ADD COLUMN description text;")]
    [TestCase("ALTER TABLE items ADD COLUMN sku text NOT NULL DEFAULT '';")]
    [TestCase("CREATE TABLE tags (id bigint NOT NULL, name text NOT NULL);")]
    [TestCase("-- evolve-tx-off\nCREATE INDEX CONCURRENTLY items_name ON items (lower(name));")]
    [TestCase("CREATE TABLE tags (id bigserial PRIMARY KEY, name text UNIQUE);\nCREATE INDEX tags_name ON tags (lower(name));")]
    [TestCase("ALTER TABLE items ADD CONSTRAINT items_name_key UNIQUE USING INDEX items_name_uq;")]
    [TestCase("ALTER TABLE items ADD COLUMN created timestamptz DEFAULT now();")]
    [TestCase("ALTER TABLE items ALTER COLUMN description DROP DEFAULT, ALTER COLUMN sku DROP EXPRESSION;")]
    [TestCase("DROP INDEX IF EXISTS items_old;")]
    // Dollar-quoted text other than a DO block's body is text, or code that runs only when called.
    [TestCase("COMMENT ON TABLE items IS $c$ rename later $c$;")]
    [TestCase("INSERT INTO notes (body) VALUES ($$Drop us a line$$);")]
    [TestCase("CREATE FUNCTION reset_staging() RETURNS void LANGUAGE sql AS $fn$ TRUNCATE staging $fn$;")]
    [TestCase("ALTER TABLE items ADD COLUMN serial text;")]
    // A table the script creates is used by no release yet: nothing it does to it stalls N.
    [TestCase("CREATE TABLE orders (id bigint, item_id bigint);\nALTER TABLE orders ADD PRIMARY KEY (id);\nALTER TABLE orders ADD CONSTRAINT orders_item FOREIGN KEY (item_id) REFERENCES items (id);\nALTER TABLE orders ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid();")]
    [TestCase("DROP PUBLICATION catalog_pub; DROP EVENT TRIGGER audit_ddl;")]
    [TestCase("ALTER TABLE items ALTER COLUMN description DROP NOT NULL;")]
    [TestCase("ALTER TABLE items ADD CONSTRAINT name_present CHECK (name IS NOT NULL) NOT VALID;")]
    [TestCase("-- DROP TABLE items; (only a comment)\nSELECT 'ALTER TABLE x DROP COLUMN y';")]
    [TestCase("/* RENAME\n DROP TABLE */ ALTER TABLE items ADD COLUMN a int;")]
    public void Compatible_statements_pass(string sql) =>
        Assert.That(ExpandGuard.Check(sql, "f.sql"), Is.Empty);

    [Test]
    public void Violations_name_the_line()
    {
        var sql = "-- add things\nALTER TABLE items ADD COLUMN a text;\n\nALTER TABLE items\n  DROP COLUMN b;\n";

        var violation = ExpandGuard.Check(sql, "f.sql").Single();

        Assert.That(violation.Line, Is.EqualTo(5));
        Assert.That(violation.ToString(), Does.StartWith("f.sql:5: "));
    }

    [Test]
    public void Enforce_lists_every_violation_and_ignores_contract_scripts() => InScriptsFolder(dir =>
    {
        File.WriteAllText(Path.Combine(dir, "expand", "V1__ok.sql"), "CREATE TABLE t (id int);");
        File.WriteAllText(Path.Combine(dir, "expand", "V2__bad.sql"), "ALTER TABLE t RENAME TO u;\nDROP TABLE v;");
        File.WriteAllText(Path.Combine(dir, "contract", "V3__drop.sql"), "DROP TABLE w;");

        var error = Assert.Throws<PlatformException>(() => ExpandGuard.Enforce(MigrationScript.LoadAll(dir)));

        Assert.That(error!.Message, Does.Contain("db/expand/V2__bad.sql:1:").And.Contain("db/expand/V2__bad.sql:2:").And.Contain("db/contract/"));
        Assert.That(error.Message, Does.Not.Contain("V3__drop"));
    });

    // A script the database applied cannot change: rules added since do not refuse it (MigrateDb knows which ones).
    [Test]
    public void Scripts_the_database_applied_are_exempt() => InScriptsFolder(dir =>
    {
        File.WriteAllText(Path.Combine(dir, "expand", "V7__old_index.sql"), "CREATE INDEX items_name ON items (name);");
        var scripts = MigrationScript.LoadAll(dir);

        Assert.DoesNotThrow(() => ExpandGuard.Enforce(scripts, new HashSet<int> { 7 }));
        Assert.That(() => ExpandGuard.Enforce(scripts, new HashSet<int>()), Throws.TypeOf<PlatformException>().With.Message.Contains("V7__old_index.sql:1: CREATE INDEX blocks writes"));
    });

    // Package cannot tell what a database applied: what would only stall N is said there, what breaks it refused.
    [Test]
    public void Package_warns_of_what_only_stalls_and_refuses_what_breaks() => InScriptsFolder(dir =>
    {
        File.WriteAllText(Path.Combine(dir, "expand", "V7__old_index.sql"), "CREATE INDEX items_name ON items (name);");
        var reporter = new Platform.TestSupport.RecordingReporter();

        Assert.DoesNotThrow(() => ExpandGuard.Enforce(MigrationScript.LoadAll(dir), warnStalls: reporter));
        File.WriteAllText(Path.Combine(dir, "expand", "V8__drop.sql"), "ALTER TABLE items DROP COLUMN name;");
        var refused = Assert.Throws<PlatformException>(() => ExpandGuard.Enforce(MigrationScript.LoadAll(dir), warnStalls: reporter, refusal: "Not packaged"));

        Assert.That(reporter.Text, Does.Contain("would stall the release").And.Contain("V7__old_index.sql:1:"));
        Assert.That(refused!.Message, Does.StartWith("Not packaged: ").And.Contain("V8__drop.sql:1: DROP COLUMN").And.Not.Contain("V7__old_index"));
    });

    // A component's db/ folder (expand/ and contract/) of the test's own, removed afterwards.
    private static void InScriptsFolder(Action<string> test)
    {
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "guard-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "expand"));
        Directory.CreateDirectory(Path.Combine(dir, "contract"));
        try
        {
            test(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void The_components_own_expand_migrations_pass()
    {
        // LoadAll skips missing folders: without this count, a catalog-db never copied next to the
        // tests would "pass" with nothing checked.
        var scripts = MigrationScript.LoadAll(Path.Combine(AppContext.BaseDirectory, "catalog-db"));
        Assert.That(scripts.Where(s => s.Phase == MigrationPhase.Expand).Select(s => s.Version), Is.SupersetOf(new[] { 1, 2, 3 }));

        Assert.DoesNotThrow(() => ExpandGuard.Enforce(scripts));
    }
}
