using Platform.Core;

namespace Platform.Secure;

/// <summary>
/// What SeedKeys must do to one host's authorized_keys: the wanted content (exactly the circle,
/// one line per key) and the fingerprints it adds and removes. Keys on the host that are
/// not in the circle (revoked, rotated out, expired, or added by hand) are removed, named by their
/// comment (Platform writes the operator's name there). Only fingerprints and names are ever reported.
/// </summary>
public sealed partial record AuthorizedKeysPlan(string Desired, IReadOnlyList<string> Added, IReadOnlyList<string> Removed, int UnreadableLines, bool ContentDiffers)
{
    public bool Changes => ContentDiffers;

    /// <summary>Keys kept whose line changes (another owner's name, an expiry added, changed or lifted): "fingerprint (name)".</summary>
    public IReadOnlyList<string> Updated { get; init; } = [];

    public static AuthorizedKeysPlan For(string? current, IReadOnlyList<Operator> circle)
    {
        // One line per key: two operators can hold the same one (deploy and deploy-next while the deploy key
        // is being replaced). The one trusted longest is written, so an expiry on the other cannot cut it short.
        var lines = circle
            .GroupBy(o => o.Key.Fingerprint)
            .Select(holders => holders.OrderByDescending(o => o.ExpiresAt ?? DateTimeOffset.MaxValue).ThenBy(o => o.Name, StringComparer.Ordinal).First())
            .OrderBy(o => o.Name, StringComparer.Ordinal)
            .ToList();
        var desired = string.Concat(lines.Select(o => o.AuthorizedKeysLine + "\n"));
        var wanted = lines.ToDictionary(o => o.Key.Fingerprint, o => o.Name);
        var wantedLines = lines.ToDictionary(o => o.Key.Fingerprint, o => o.AuthorizedKeysLine);

        var present = new Dictionary<string, string>();
        var presentLines = new Dictionary<string, string>();
        var unreadable = 0;
        foreach (var line in (current ?? string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            if (OpenSshPublicKey.TryParseLine(line, out var key, out _))
            {
                present.TryAdd(key!.Fingerprint, key.Comment);
                presentLines.TryAdd(key.Fingerprint, line);
            }
            else
            {
                unreadable++;
            }
        }

        var added = wanted.Where(w => !present.ContainsKey(w.Key)).Select(w => $"{w.Key} ({w.Value})").ToList();
        var removed = present.Where(p => !wanted.ContainsKey(p.Key)).Select(p => $"{p.Key} (not in the circle{(p.Value.Length > 0 ? ": " + Truncate(p.Value) : string.Empty)})").ToList();
        // The same key on another line: its owner or its expiry changed, which is a change of who may log in until when.
        var updated = wanted.Where(w => presentLines.TryGetValue(w.Key, out var line) && line != wantedLines[w.Key]).Select(w => $"{w.Key} ({w.Value})").ToList();
        return new AuthorizedKeysPlan(desired, added, removed, unreadable, !string.Equals(current, desired, StringComparison.Ordinal)) { Updated = updated };
    }

    /// <summary>
    /// <paramref name="current"/> without the lines sshd refuses already, their <c>expiry-time</c> (as SeedKeys writes it,
    /// <c>yyyyMMddHHmmZ</c>) past at <paramref name="now"/>, and the names of those keys: an operator who expired is out
    /// of the circle from that moment, and their line is no drift until the next SeedKeys removes it.
    /// </summary>
    public static (string? Content, IReadOnlyList<string> Expired) WithoutExpired(string? current, DateTimeOffset now)
    {
        if (current is null)
        {
            return (null, []);
        }

        var expired = new List<string>();
        var kept = current.Split('\n').Where(line =>
        {
            var match = ExpiryTime().Match(line.Trim());
            if (!match.Success || !DateTimeOffset.TryParseExact(match.Groups[1].Value, "yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var until) || until > now)
            {
                return true;
            }

            expired.Add(OpenSshPublicKey.TryParseLine(line.Trim(), out var key, out _) && key!.Comment.Length > 0 ? Truncate(key.Comment) : "a key");
            return false;
        });
        return (string.Join('\n', kept), expired);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^expiry-time=\"(\\d{12})Z\"\\s")]
    private static partial System.Text.RegularExpressions.Regex ExpiryTime();

    private static string Truncate(string comment) => comment.Length <= 40 ? comment : comment[..40] + "…";

    public string Describe()
    {
        if (!Changes)
        {
            return "ok";
        }

        var parts = Added.Select(a => "+" + a).Concat(Updated.Select(u => $"~{u}: its owner or expiry changed")).Concat(Removed.Select(r => "-" + r)).ToList();
        if (UnreadableLines > 0)
        {
            parts.Add($"-{UnreadableLines} unreadable line(s)");
        }

        return parts.Count > 0 ? string.Join(", ", parts) : "rewritten in canonical form (same keys)";
    }
}
