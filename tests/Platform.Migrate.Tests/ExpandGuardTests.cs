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
    public void Enforce_lists_every_violation_and_ignores_contract_scripts()
    {
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "guard-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "expand"));
        Directory.CreateDirectory(Path.Combine(dir, "contract"));
        try
        {
            File.WriteAllText(Path.Combine(dir, "expand", "V1__ok.sql"), "CREATE TABLE t (id int);");
            File.WriteAllText(Path.Combine(dir, "expand", "V2__bad.sql"), "ALTER TABLE t RENAME TO u;\nDROP TABLE v;");
            File.WriteAllText(Path.Combine(dir, "contract", "V3__drop.sql"), "DROP TABLE w;");

            var error = Assert.Throws<PlatformException>(() => ExpandGuard.Enforce(MigrationScript.LoadAll(dir)));

            Assert.That(error!.Message, Does.Contain("db/expand/V2__bad.sql:1:").And.Contain("db/expand/V2__bad.sql:2:").And.Contain("db/contract/"));
            Assert.That(error.Message, Does.Not.Contain("V3__drop"));
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
