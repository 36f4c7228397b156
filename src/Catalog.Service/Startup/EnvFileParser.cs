using System.Text.RegularExpressions;

namespace Catalog.Service.Startup;

/// <summary>
/// Parses an env file: <c>KEY=VALUE</c> lines, <c>#</c> comment lines and blank lines; a value may be
/// wrapped in matching single or double quotes. Everything after the first '=' is the value (no inline
/// comments), since secrets such as passwords may contain '#'.
/// </summary>
internal static partial class EnvFileParser
{
    /// <exception cref="FormatException">A line is not KEY=VALUE; the message names the line number only, never its text (it may hold a secret).</exception>
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var separator = line.IndexOf('=', StringComparison.Ordinal);
            var key = separator > 0 ? line[..separator].TrimEnd() : string.Empty;
            if (!KeyPattern().IsMatch(key))
            {
                throw new FormatException($"line {i + 1} is not KEY=VALUE");
            }

            values[key] = Unquote(line[(separator + 1)..].Trim());
        }

        return values;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0]
            ? value[1..^1]
            : value;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex KeyPattern();
}
