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

    /// <summary>Fraction of pixels that are strongly red (the colour of failure in the charts).</summary>
    public static double RedFraction(byte[] png)
    {
        using var image = new ScottPlot.Image(png);
        var rgb = image.GetArrayRGB(); // [row, column, channel]
        var red = 0;
        for (var y = 0; y < rgb.GetLength(0); y++)
            for (var x = 0; x < rgb.GetLength(1); x++)
                if (rgb[y, x, 0] > 200 && rgb[y, x, 1] < 80 && rgb[y, x, 2] < 80)
                    red++;
        return (double)red / (rgb.GetLength(0) * rgb.GetLength(1));
    }
}
