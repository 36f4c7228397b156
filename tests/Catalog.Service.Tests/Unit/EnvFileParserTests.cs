using Catalog.Service.Startup;

namespace Catalog.Service.Tests.Unit;

public sealed class EnvFileParserTests
{
    [Test]
    public void ReadsKeyValueLinesAndSkipsCommentsAndBlankLines()
    {
        var values = EnvFileParser.Parse("# catalog\n\nCATALOG_DB=Host=db;Password=p#1\r\n  ASPNETCORE_URLS = http://127.0.0.1:8080  \n   # indented comment\n");

        Assert.That(values, Is.EqualTo(new Dictionary<string, string>
        {
            ["CATALOG_DB"] = "Host=db;Password=p#1",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:8080",
        }));
    }

    [TestCase("A=\"quoted value\"", "quoted value")]
    [TestCase("A='single quoted'", "single quoted")]
    [TestCase("A=\"\"", "")]
    [TestCase("A=", "")]
    [TestCase("A=\"mismatched'", "\"mismatched'")]
    [TestCase("A=\"", "\"")]
    [TestCase("A=say \"hi\"", "say \"hi\"")]
    [TestCase("A=x=y", "x=y")]
    public void UnwrapsOnlyMatchingSurroundingQuotes(string line, string expected)
    {
        Assert.That(EnvFileParser.Parse(line)["A"], Is.EqualTo(expected));
    }

    [Test]
    public void TheLastOfRepeatedKeysWins()
    {
        Assert.That(EnvFileParser.Parse("A=1\nA=2")["A"], Is.EqualTo("2"));
    }

    [TestCase("no equals sign here")]
    [TestCase("=value")]
    [TestCase("BAD KEY=value")]
    [TestCase("1ABC=value")]
    public void AMalformedLineIsReportedByNumberWithoutItsText(string line)
    {
        var error = Assert.Throws<FormatException>(() => EnvFileParser.Parse($"# ok\nA=1\n{line}"));

        Assert.That(error.Message, Is.EqualTo("line 3 is not KEY=VALUE"));
    }
}
