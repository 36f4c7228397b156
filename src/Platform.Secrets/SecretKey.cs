using System.Text.RegularExpressions;
using Platform.Core;

namespace Platform.Secrets;

/// <summary>
/// Checks secret keys (<c>operators/alice</c>) and folders (<c>operators/</c>) before any backend
/// touches them. Both backends share one rule set so a key valid locally is valid in Vault too,
/// and so a key can never climb out of the secrets folder (<c>..</c>) or name a hidden file.
/// </summary>
public static partial class SecretKey
{
    /// <summary>Fails unless <paramref name="key"/> is segments of <c>[A-Za-z0-9._-]</c> joined by '/'.</summary>
    public static string Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!IsValidPath(key))
        {
            throw new PlatformException(
                $"'{key}' is not a valid secret key: use path segments of letters, digits, '.', '_' and '-' joined by '/' " +
                "(e.g. 'operators/alice'), with no leading or trailing '/', no empty segment and no '.' or '..' segment.");
        }

        return key;
    }

    /// <summary>
    /// Normalises a folder for listing: <c>""</c> (the top) or a valid key path, returned with a trailing '/'
    /// (<c>"operators"</c> and <c>"operators/"</c> both give <c>"operators/"</c>).
    /// </summary>
    public static string NormalizeFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (folder.Length == 0)
        {
            return string.Empty;
        }

        var trimmed = folder.EndsWith('/') ? folder[..^1] : folder;
        if (!IsValidPath(trimmed))
        {
            throw new PlatformException(
                $"'{folder}' is not a valid secrets folder: use \"\" for the top, or path segments of letters, digits, '.', '_' and '-' " +
                "joined by '/' (e.g. 'operators/').");
        }

        return trimmed + "/";
    }

    public static bool IsValid(string key) => key is not null && IsValidPath(key);

    /// <summary>The key's segments, e.g. <c>["operators", "alice"]</c>.</summary>
    public static string[] Segments(string key) => Validate(key).Split('/');

    private static bool IsValidPath(string path) =>
        path.Length is > 0 and <= 512
        && path.Split('/').All(segment => Segment().IsMatch(segment) && segment is not ("." or ".."));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex Segment();
}
