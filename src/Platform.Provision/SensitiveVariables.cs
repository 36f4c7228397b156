using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Core;

namespace Platform.Provision;

/// <summary>
/// The input variables an environment's Terraform declares <c>sensitive = true</c> (in its <c>*.tf</c> and
/// <c>*.tf.json</c> files). Such a value must not come as <c>--var</c>: it would show in the process list, in
/// the run's output and in the files that remember <c>--var</c> values. It comes from the secrets store instead,
/// as <c>TF_VAR_&lt;name&gt;</c> under platform.json's <c>terraformEnvironment</c>.
/// </summary>
public static partial class SensitiveVariables
{
    /// <summary>The names, each with the file that declares it.</summary>
    public static IReadOnlyDictionary<string, string> In(string infraDir)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(infraDir))
        {
            return result;
        }

        foreach (var file in Directory.EnumerateFiles(infraDir).Order(StringComparer.Ordinal))
        {
            var names = file.EndsWith(".tf", StringComparison.Ordinal) ? InHcl(File.ReadAllText(file))
                : file.EndsWith(".tf.json", StringComparison.Ordinal) ? InJson(File.ReadAllText(file), file)
                : [];
            foreach (var name in names)
            {
                result.TryAdd(name, file);
            }
        }

        return result;
    }

    /// <summary>The variables a native-syntax file declares sensitive.</summary>
    public static IReadOnlyList<string> InHcl(string text)
    {
        var code = WithoutComments(text);
        var names = new List<string>();
        foreach (Match block in VariableBlock().Matches(code))
        {
            var body = Body(code, block.Index + block.Length);
            if (SensitiveTrue().IsMatch(TopLevel(body)))
            {
                names.Add(block.Groups["name"].Value);
            }
        }

        return names;
    }

    private static IReadOnlyList<string> InJson(string text, string file)
    {
        try
        {
            return JsonNode.Parse(text)?["variable"] is JsonObject variables
                ? [.. variables.Where(v => v.Value?["sensitive"] is JsonValue s && s.TryGetValue<bool>(out var on) && on).Select(v => v.Key)]
                : [];
        }
        catch (JsonException e)
        {
            throw new PlatformException($"{file} is not valid JSON ({e.Message}): Terraform cannot read it either. Fix the file. Nothing was changed.");
        }
    }

    // The text with comments (#, //, /* */) blanked out, strings kept: a brace or "sensitive" in a comment counts for nothing.
    private static string WithoutComments(string text)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                var end = StringEnd(text, i);
                result.Append(text, i, end - i);
                i = end;
            }
            else if (text[i] == '#' || (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
                result.Append(' ');
            }
            else
            {
                result.Append(text[i++]);
            }
        }

        return result.ToString();
    }

    // The index just past the string that opens at start (a backslash escapes the next character).
    private static int StringEnd(string text, int start)
    {
        var i = start + 1;
        while (i < text.Length && text[i] != '"' && text[i] != '\n')
        {
            i += text[i] == '\\' ? 2 : 1;
        }

        return Math.Min(i + 1, text.Length);
    }

    // The block's body up to its closing brace (open is just past its opening brace).
    private static string Body(string code, int open)
    {
        var depth = 1;
        var i = open;
        while (i < code.Length && depth > 0)
        {
            if (code[i] == '"')
            {
                i = StringEnd(code, i);
                continue;
            }

            depth += code[i] switch { '{' => 1, '}' => -1, _ => 0 };
            i++;
        }

        return code[open..Math.Max(open, i - 1)];
    }

    // The body with nested blocks (validation { … }) and strings left out: only the block's own attributes.
    private static string TopLevel(string body)
    {
        var result = new StringBuilder(body.Length);
        var depth = 0;
        var i = 0;
        while (i < body.Length)
        {
            if (body[i] == '"')
            {
                i = StringEnd(body, i);
                result.Append("\"\"");
                continue;
            }

            depth += body[i] switch { '{' or '[' or '(' => 1, '}' or ']' or ')' => -1, _ => 0 };
            if (depth == 0)
            {
                result.Append(body[i]);
            }

            i++;
        }

        return result.ToString();
    }

    [GeneratedRegex("""(?:^|[\s}])variable\s+"(?<name>[^"]+)"\s*\{""")]
    private static partial Regex VariableBlock();

    [GeneratedRegex(@"(?:^|[\n;])\s*sensitive\s*=\s*true\b")]
    private static partial Regex SensitiveTrue();
}
