using Platform.Reports;

namespace Platform.Reports.Tests;

public sealed class NaturalNamesTests
{
    [TestCase("web-2", "web-10", -1)]
    [TestCase("web-10", "web-9", 1)]
    [TestCase("web-1", "web-1", 0)]
    [TestCase("lb", "web-1", -1)]
    [TestCase("web-1", "web-1a", -1)]
    [TestCase("web-01", "web-1", -1)]
    [TestCase("node-99999999999999999999999", "node-100000000000000000000000", -1)]
    [TestCase("a2b10", "a2b9", 1)]
    public void Compares_runs_of_digits_as_numbers(string x, string y, int sign) =>
        Assert.That(Math.Sign(NaturalNames.Comparer.Compare(x, y)), Is.EqualTo(sign));

    [Test]
    public void Equal_values_written_differently_still_have_an_order() =>
        Assert.That(NaturalNames.Comparer.Compare("web-01", "web-1"), Is.Not.Zero, "so that sorting is deterministic");
}
