namespace Platform.Reports;

/// <summary>Compares names with their runs of digits taken as numbers: web-2 &lt; web-10 &lt; worker-1.</summary>
internal sealed class NaturalNames : IComparer<string>
{
    public static NaturalNames Comparer { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var (a, nextI) = Digits(x, i);
                var (b, nextJ) = Digits(y, j);
                // Compare the digit runs as numbers without parsing (no overflow): fewer significant digits is smaller.
                var byValue = a.TrimStart('0').Length.CompareTo(b.TrimStart('0').Length);
                if (byValue == 0)
                {
                    byValue = string.CompareOrdinal(a.TrimStart('0'), b.TrimStart('0'));
                }

                if (byValue != 0)
                {
                    return byValue;
                }

                (i, j) = (nextI, nextJ);
                continue;
            }

            if (x[i] != y[j])
            {
                return x[i].CompareTo(y[j]);
            }

            i++;
            j++;
        }

        var byLength = (x.Length - i).CompareTo(y.Length - j);
        return byLength != 0 ? byLength : string.CompareOrdinal(x, y);
    }

    private static (string Run, int End) Digits(string s, int start)
    {
        var end = start;
        while (end < s.Length && char.IsAsciiDigit(s[end]))
        {
            end++;
        }

        return (s[start..end], end);
    }
}
