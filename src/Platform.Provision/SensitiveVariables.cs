using System.Text;
using System.Text.Json;
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

        foreach (var file in Directory.EnumerateFiles(infraDir).Where(ReadByTerraform).Order(StringComparer.Ordinal))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PlatformException($"{file} cannot be read ({e.Message}): Terraform reads it too. Fix or remove it. Nothing was changed.", e);
            }

            foreach (var name in file.EndsWith(".tf.json", StringComparison.Ordinal) ? InJson(text, file) : InHcl(text))
            {
                result.TryAdd(name, file);
            }
        }

        return result;
    }

    /// <summary>
    /// <see cref="In"/>, and the variables platform.json takes from the secrets store (<c>terraformEnvironment</c>'s
    /// <c>"TF_VAR_name": "secret:KEY"</c>), each with platform.json: their values are secrets whether or not the
    /// configuration declares them so.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Of(string infraDir, EnvironmentSettings settings)
    {
        var result = new Dictionary<string, string>(In(infraDir), StringComparer.Ordinal);
        foreach (var variable in StoreFed(settings))
        {
            result.TryAdd(variable, settings.Source);
        }

        return result;
    }

    /// <summary>The Terraform variables platform.json takes from the secrets store (<c>TF_VAR_name</c> of <c>secret:KEY</c>).</summary>
    public static IEnumerable<string> StoreFed(EnvironmentSettings settings) =>
        settings.UserSecrets.Keys.Where(v => v.StartsWith(TfVar, StringComparison.Ordinal) && v.Length > TfVar.Length).Select(v => v[TfVar.Length..]);

    private const string TfVar = "TF_VAR_";

    // The files Terraform loads: *.tf and *.tf.json, but not an editor's leftovers (.#x.tf, #x.tf#, x.tf~) or hidden files.
    private static bool ReadByTerraform(string path)
    {
        var name = Path.GetFileName(path);
        return (name.EndsWith(".tf", StringComparison.Ordinal) || name.EndsWith(".tf.json", StringComparison.Ordinal))
            && !name.StartsWith('.') && !(name.StartsWith('#') && name.EndsWith('#'));
    }

    /// <summary>The variables a native-syntax file declares sensitive.</summary>
    public static IReadOnlyList<string> InHcl(string text)
    {
        var code = Skeleton(text);
        var names = new List<string>();
        foreach (Match block in VariableBlock().Matches(code))
        {
            if (SensitiveTrue().IsMatch(TopLevel(code, block.Index + block.Length)))
            {
                names.Add(block.Groups["quoted"].Success ? block.Groups["quoted"].Value : block.Groups["bare"].Value);
            }
        }

        return names;
    }

    // Terraform's JSON syntax: "variable" is an object of variables or an array of such objects, each variable an object
    // or an array of objects; a key may be repeated (JsonDocument keeps every one, as Terraform reads them).
    private static IReadOnlyList<string> InJson(string text, string file)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            return [.. document.RootElement.EnumerateObject().Where(p => p.Name == "variable")
                .SelectMany(p => Objects(p.Value))
                .SelectMany(variables => variables.EnumerateObject())
                .Where(variable => Objects(variable.Value).Any(body => body.EnumerateObject().Any(a => a.Name == "sensitive" && IsTrue(a.Value))))
                .Select(variable => variable.Name)
                .Distinct(StringComparer.Ordinal)];
        }
        catch (JsonException e)
        {
            throw new PlatformException($"{file} is not valid JSON ({e.Message}): Terraform cannot read it either. Fix the file. Nothing was changed.");
        }

        static IEnumerable<JsonElement> Objects(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => [element],
            JsonValueKind.Array => element.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object),
            _ => [],
        };

        // Terraform converts the string "true" to the bool.
        static bool IsTrue(JsonElement value) => value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.String && value.GetString() == "true");
    }

    /// <summary>
    /// The code without what cannot declare anything: comments removed; each string and heredoc reduced to the
    /// letters, digits, <c>_</c> and <c>-</c> of its literal text (so a label or <c>"true"</c> stays, and no brace
    /// inside one counts), template interpolations with the strings nested in them dropped.
    /// </summary>
    private static string Skeleton(string text)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"')
            {
                result.Append('"');
                i = SkipString(text, i, result);
                result.Append('"');
            }
            else if (c == '#' || (c == '/' && At(text, i + 1) == '/'))
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && At(text, i + 1) == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
                result.Append(' ');
            }
            else if (c == '<' && At(text, i + 1) == '<' && Heredoc().Match(text, i) is { Success: true } heredoc && heredoc.Index == i)
            {
                result.Append("\"\"");
                i = HeredocEnd(text, heredoc.Index + heredoc.Length, heredoc.Groups["id"].Value);
            }
            else
            {
                result.Append(c);
                i++;
            }
        }

        return result.ToString();
    }

    private static char At(string text, int i) => i < text.Length ? text[i] : '\0';

    // Past the string opening at start (a backslash escapes the next character; ${…} and %{…} may hold strings of
    // their own). Its literal identifier characters go to kept; an unterminated one ends at the line's end.
    private static int SkipString(string text, int start, StringBuilder? kept)
    {
        var i = start + 1;
        while (i < text.Length && text[i] != '"' && text[i] != '\n')
        {
            if (text[i] == '\\')
            {
                i += 2;
            }
            else if ((text[i] == '$' || text[i] == '%') && At(text, i + 1) == text[i] && At(text, i + 2) == '{')
            {
                i += 3; // $${ and %%{ are a literal ${ and %{, no interpolation
            }
            else if ((text[i] == '$' || text[i] == '%') && At(text, i + 1) == '{')
            {
                i = SkipTemplate(text, i + 2);
            }
            else
            {
                if (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-')
                {
                    kept?.Append(text[i]);
                }

                i++;
            }
        }

        return Math.Min(i + 1, text.Length);
    }

    // Past the interpolation whose body starts at start (just after "${").
    private static int SkipTemplate(string text, int start)
    {
        var depth = 1;
        var i = start;
        while (i < text.Length && depth > 0)
        {
            if (text[i] == '"')
            {
                i = SkipString(text, i, null);
                continue;
            }

            depth += text[i] switch { '{' => 1, '}' => -1, _ => 0 };
            i++;
        }

        return i;
    }

    // Past the line that closes a heredoc (only its identifier, indented or not); the heredoc's first line starts at start.
    private static int HeredocEnd(string text, int start, string id)
    {
        var i = start;
        while (i < text.Length)
        {
            var end = text.IndexOf('\n', i);
            var line = end < 0 ? text[i..] : text[i..end];
            i = end < 0 ? text.Length : end + 1;
            if (line.Trim() == id)
            {
                return end < 0 ? text.Length : end;
            }
        }

        return text.Length;
    }

    // The block's own attributes (nested blocks such as validation { … } left out), from just past its opening brace
    // to its closing one.
    private static string TopLevel(string code, int open)
    {
        var result = new StringBuilder();
        var depth = 0;
        for (var i = open; i < code.Length; i++)
        {
            depth += code[i] switch { '{' or '[' or '(' => 1, '}' or ']' or ')' => -1, _ => 0 };
            if (depth < 0)
            {
                break;
            }

            if (depth == 0)
            {
                result.Append(code[i]);
            }
        }

        return result.ToString();
    }

    [GeneratedRegex("""(?:^|[\s};])variable\s+(?:"(?<quoted>[\w-]+)"|(?<bare>[\p{L}_][\w-]*))\s*\{""")]
    private static partial Regex VariableBlock();

    [GeneratedRegex(@"(?:^|[\n;{])[ \t]*sensitive\s*=\s*(?:true|""true"")(?![\w-])")]
    private static partial Regex SensitiveTrue();

    [GeneratedRegex(@"\G<<-?(?<id>[A-Za-z_][\w-]*)[ \t]*\r?\n")]
    private static partial Regex Heredoc();
}
