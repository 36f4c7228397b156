using System.Globalization;

namespace Platform.Reports.Tests;

/// <summary>Runs a test's body under another current culture, and puts the old one back.</summary>
internal sealed class CultureScope : IDisposable
{
    private readonly CultureInfo _previous = CultureInfo.CurrentCulture;

    /// <summary>German: a decimal comma, so any number formatted with the current culture shows.</summary>
    public static CultureScope German()
    {
        var german = CultureInfo.GetCultureInfo("de-DE");
        Assume.That(german.NumberFormat.NumberDecimalSeparator, Is.EqualTo(","), "de-DE must really use a decimal comma for the test to prove anything");
        return new CultureScope(german);
    }

    private CultureScope(CultureInfo culture) => CultureInfo.CurrentCulture = culture;

    public void Dispose() => CultureInfo.CurrentCulture = _previous;
}
