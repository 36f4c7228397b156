namespace Platform.Reports.Tests;

/// <summary>
/// How much of an image is drawn on: a PNG can be valid and the right size yet blank, as when an
/// empty legend made ScottPlot lay the figure out with NaN margins.
/// </summary>
internal static class PngInk
{
    /// <summary>Fraction of pixels in rows [<paramref name="fromRow"/>, <paramref name="toRow"/>) darker than mid-grey.</summary>
    public static double DarkFraction(byte[] png, int fromRow, int toRow)
    {
        using var image = new ScottPlot.Image(png);
        var gray = image.GetArrayGrayscale(); // [row, column]
        var dark = 0;
        for (var y = fromRow; y < toRow; y++)
            for (var x = 0; x < gray.GetLength(1); x++)
                if (gray[y, x] < 128)
                    dark++;
        return (double)dark / ((toRow - fromRow) * gray.GetLength(1));
    }
}
