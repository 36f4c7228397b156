using Catalog.Service.Data;

namespace Catalog.Service.Tests.Unit;

public sealed class LikePatternTests
{
    [TestCase("lamp", "%lamp%")]
    [TestCase("100%", @"%100\%%")]
    [TestCase("a_b", @"%a\_b%")]
    [TestCase(@"c:\x", @"%c:\\x%")]
    public void EscapesTheWildcardsAndTheEscapeCharacter(string text, string pattern)
    {
        Assert.That(LikePattern.Containing(text), Is.EqualTo(pattern));
    }
}
