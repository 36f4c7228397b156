using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Platform.Core;

/// <summary>
/// Removes secrets from text before it is printed: every value registered at run time (passwords,
/// tokens) and anything shaped like a private key, a Vault token or a password in a connection string.
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "***";

    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);

    /// <summary>
    /// Registers a value that must never be printed. Very short values are ignored: masking them would garble output.
    /// Each line of a value of several lines (a private key) is registered too: output read line by line (a
    /// command's, streamed) or cut to its last lines (an error's tail) holds it only in pieces.
    /// </summary>
    public void Register(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < 6)
        {
            return;
        }

        _secrets.TryAdd(secret, 0);
        foreach (var line in secret.Split('\n').Select(l => l.Trim()).Where(l => l.Length >= MinLineLength && l != secret && !l.StartsWith("-----", StringComparison.Ordinal) && !l.Any(char.IsWhiteSpace)))
        {
            _secrets.TryAdd(line, 0);
        }
    }

    // A line of a key's body is 64 or 70 characters without a space; shorter ones, and lines with spaces (the
    // `"type": "service_account",` of a JSON secret), are too common to mask wherever they appear, and a key's
    // "-----BEGIN/END …-----" lines are no secret (the key's shape is masked whole where it shows whole).
    private const int MinLineLength = 16;

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = text;
        foreach (var secret in _secrets.Keys.OrderByDescending(s => s.Length))
        {
            result = result.Replace(secret, Mask, StringComparison.Ordinal);
        }

        result = PrivateKeyBlock().Replace(result, "-----BEGIN $1PRIVATE KEY----- " + Mask + " -----END $1PRIVATE KEY-----");
        result = VaultToken().Replace(result, Mask);
        result = PasswordSetting().Replace(result, "$1=" + Mask);
        result = UrlCredentials().Replace(result, "$1" + Mask + "@");
        return result;
    }

    [GeneratedRegex(@"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)")]
    private static partial Regex PrivateKeyBlock();

    // Vault service/batch/recovery tokens: hvs./hvb./hvr. (current) and s./b./r. (legacy) prefixes.
    [GeneratedRegex(@"\b(?:hv[sbr]\.[A-Za-z0-9_\-]{20,}|[sbr]\.[A-Za-z0-9]{24,})")]
    private static partial Regex VaultToken();

    [GeneratedRegex(@"(?i)\b(password|pwd|secret_id|token)\s*=\s*[^;\s""']+")]
    private static partial Regex PasswordSetting();

    // The password of a URL's user info (postgres://user:password@host/db, https://user:token@host/, redis://:pw@host),
    // up to the last @ before the host (a password with an @ in it, unescaped).
    [GeneratedRegex(@"(\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)[^/\s]*@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlCredentials();
}
