using System.Globalization;

namespace Platform.Core;

/// <summary>
/// Typed access to the command-line arguments (Cake's <c>--name=value</c>). Bad values fail with a
/// message naming the argument, the value and what is expected.
/// </summary>
public sealed class RunArguments(Func<string, IReadOnlyList<string>> lookup)
{
    public static RunArguments Empty { get; } = new(_ => []);

    public static RunArguments From(IReadOnlyDictionary<string, string> values) =>
        new(name => values.TryGetValue(name, out var value) ? [value] : []);

    public bool Has(string name) => lookup(name).Count > 0;

    /// <summary>Every value given for a repeatable argument, in order.</summary>
    public IReadOnlyList<string> All(string name) => lookup(name);

    public string? Get(string name)
    {
        var values = lookup(name);
        return values.Count == 0 ? null : values[^1];
    }

    public string Get(string name, string fallback) => Get(name) is { Length: > 0 } value ? value : fallback;

    public string Require(string name, string what)
    {
        var value = Get(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new PlatformException($"--{name} is required: {what}.");
        }

        return value;
    }

    public int GetInt(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = Get(name);
        if (raw is null)
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new PlatformException($"--{name}={raw} is not valid: expected a whole number from {min} to {max}.");
        }

        return value;
    }

    /// <summary>A number, fractions allowed (<c>--max-5xx-rate=0.02</c>), within [min, max].</summary>
    public double GetNumber(string name, double fallback, double min, double max)
    {
        var raw = Get(name);
        if (raw is null)
        {
            return fallback;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            throw new PlatformException($"--{name}={raw} is not valid: expected a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} (e.g. --{name}={fallback.ToString(CultureInfo.InvariantCulture)}).");
        }

        return value;
    }

    /// <summary>Whole numbers separated by commas (<c>--bench-nodes=3,6,12</c>), each within [min, max].</summary>
    public IReadOnlyList<int> GetIntList(string name, IReadOnlyList<int> fallback, int min, int max)
    {
        var raw = Get(name);
        if (raw is null)
        {
            return fallback;
        }

        var values = new List<int>();
        foreach (var part in raw.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw new PlatformException($"--{name}={raw} is not valid: expected whole numbers from {min} to {max} separated by commas (e.g. --{name}={string.Join(',', fallback)}).");
            }

            values.Add(value);
        }

        return values;
    }

    /// <summary>A duration given in seconds (<c>--ready-timeout=45</c>), fractions allowed.</summary>
    public TimeSpan GetSeconds(string name, TimeSpan fallback)
    {
        var raw = Get(name);
        if (raw is null)
        {
            return fallback;
        }

        if (!double.TryParse(raw.TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0 && seconds <= 86400))
        {
            throw new PlatformException($"--{name}={raw} is not valid: expected a number of seconds greater than 0 and at most 86400 (a day), e.g. --{name}=30.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    public bool GetFlag(string name)
    {
        var raw = Get(name);
        return raw switch
        {
            null => false,
            "" or "true" or "True" or "1" or "yes" => true,
            "false" or "False" or "0" or "no" => false,
            _ => throw new PlatformException($"--{name}={raw} is not valid: expected true or false."),
        };
    }
}
