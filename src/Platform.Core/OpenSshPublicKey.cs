using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Core;

/// <summary>
/// An OpenSSH public key (<c>type base64 [comment]</c>, as in <c>id_ed25519.pub</c> or an
/// authorized_keys line). Parsing checks the key blob itself, not just the shape of the line.
/// </summary>
public sealed record OpenSshPublicKey(string Type, string Base64, string Comment)
{
    private static readonly HashSet<string> KnownTypes = new(StringComparer.Ordinal)
    {
        "ssh-ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "ssh-rsa",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    };

    /// <summary><c>SHA256:</c> + unpadded base64 of the SHA-256 of the key blob, as ssh-keygen -l prints it.</summary>
    public string Fingerprint => "SHA256:" + Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(Base64))).TrimEnd('=');

    /// <summary>The line without options or comment: what identifies the key.</summary>
    public string KeyText => $"{Type} {Base64}";

    public override string ToString() => Comment.Length > 0 ? $"{KeyText} {Comment}" : KeyText;

    /// <summary>True when the text looks like a private key (never echo it back).</summary>
    public static bool LooksPrivate(string text) =>
        text.Contains("PRIVATE KEY", StringComparison.Ordinal) || text.Contains("PuTTY-User-Key-File", StringComparison.Ordinal);

    /// <summary>Parses one public key line; <paramref name="source"/> names where it came from in errors.</summary>
    public static OpenSshPublicKey Parse(string text, string source)
    {
        if (LooksPrivate(text))
        {
            throw new PlatformException($"{source} is a PRIVATE key. Give the public key instead (the .pub file next to it); the private key must never leave your machine. Nothing was changed.");
        }

        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (lines.Count != 1)
        {
            throw new PlatformException($"{source} must hold exactly one OpenSSH public key line (found {lines.Count}): give the key's own .pub file, one key per operator. Nothing was changed.");
        }

        // An authorized_keys line with options (command=, from=) would lose them: the circle keeps keys, and Platform
        // writes each one's options itself, so the key would get more than the line gave it.
        var parsed = TryParseLine(lines[0], out var key, out var error);
        if (!IsKeyType(FirstWord(lines[0])) && (parsed ? key!.Type : Words(lines[0]).FirstOrDefault(IsKeyType)) is { } type)
        {
            throw new PlatformException($"{source} has options or other words before its key type ({type}), as an authorized_keys line may. Platform writes each key's options itself and would drop these, giving the key more access than they allow: give the plain public key (the .pub file). Nothing was changed.");
        }

        if (!parsed)
        {
            throw new PlatformException($"{source} is not an OpenSSH public key: {error}. Expected a line like 'ssh-ed25519 AAAA… name@host' (e.g. ~/.ssh/id_ed25519.pub).");
        }

        return key!;
    }

    /// <summary>
    /// Parses an authorized_keys line, which may start with options (<c>from="…",no-pty ssh-ed25519 AAAA…</c>).
    /// The error never contains the line itself.
    /// </summary>
    public static bool TryParseLine(string line, out OpenSshPublicKey? key, out string error)
    {
        key = null;
        var rest = line.Trim();
        // Read as sshd reads it: the key type first, or else one word of options (quoted values may hold
        // blanks and \" quotes) and then the key type. A key type inside an option's value is never the key.
        if (!IsKeyType(FirstWord(rest)))
        {
            var end = OptionsEnd(rest);
            if (end < 0)
            {
                error = "a quoted option value is not closed (a quote inside one is written \\\")";
                return false;
            }

            rest = rest[end..].TrimStart();
            if (!IsKeyType(FirstWord(rest)))
            {
                error = "no known key type (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa, sk-…) at the start or after the options";
                return false;
            }
        }

        var type = FirstWord(rest);
        rest = rest[type.Length..].TrimStart();
        if (type == "ssh-dss")
        {
            error = "DSA keys (ssh-dss) are obsolete and refused; use ssh-ed25519";
            return false;
        }

        if (type.EndsWith("-cert-v01@openssh.com", StringComparison.Ordinal))
        {
            error = "this is an SSH certificate, not a public key";
            return false;
        }

        if (rest.Length == 0)
        {
            error = "the key data after the type is missing";
            return false;
        }

        var base64 = FirstWord(rest);
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            error = "the key data is not valid base64";
            return false;
        }

        if (!TryReadString(blob, 0, out var embeddedType, out var next) || embeddedType != type)
        {
            error = $"the key data does not hold a {type} key";
            return false;
        }

        if (type == "ssh-rsa" && RsaBits(blob, next) is var bits and < 2048)
        {
            error = $"RSA keys shorter than 2048 bits are refused (this one has {bits})";
            return false;
        }

        if (type == "ssh-ed25519" && (!TryReadBytes(blob, next, out var pub, out _) || pub.Length != 32))
        {
            error = "the ed25519 key data is truncated";
            return false;
        }

        var comment = rest[base64.Length..].Trim();
        key = new OpenSshPublicKey(type, base64, comment);
        error = string.Empty;
        return true;
    }

    private static int RsaBits(byte[] blob, int offset)
    {
        // ssh-rsa blob: string type, mpint e, mpint n.
        if (!TryReadBytes(blob, offset, out _, out var afterE) || !TryReadBytes(blob, afterE, out var n, out _))
        {
            return 0;
        }

        var significant = n.SkipWhile(b => b == 0).ToArray();
        return significant.Length == 0 ? 0 : ((significant.Length - 1) * 8) + (8 - System.Numerics.BitOperations.LeadingZeroCount((uint)significant[0]) + 24);
    }

    private static bool TryReadString(byte[] blob, int offset, out string value, out int next)
    {
        value = string.Empty;
        if (!TryReadBytes(blob, offset, out var bytes, out next))
        {
            return false;
        }

        value = Encoding.ASCII.GetString(bytes);
        return true;
    }

    private static bool TryReadBytes(byte[] blob, int offset, out byte[] value, out int next)
    {
        value = [];
        next = offset;
        if (offset + 4 > blob.Length)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(offset));
        if (length > blob.Length - offset - 4)
        {
            return false;
        }

        value = blob.AsSpan(offset + 4, (int)length).ToArray();
        next = offset + 4 + (int)length;
        return true;
    }

    private static bool IsKeyType(string word) =>
        KnownTypes.Contains(word) || word == "ssh-dss" || word.EndsWith("-cert-v01@openssh.com", StringComparison.Ordinal);

    private static bool IsBlank(char c) => c is ' ' or '\t';

    private static string FirstWord(string text)
    {
        var end = 0;
        while (end < text.Length && !IsBlank(text[end]))
        {
            end++;
        }

        return text[..end];
    }

    private static IEnumerable<string> Words(string text) => text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    // Where the options word ends, as sshd's sshkey_advance_past_options finds it: blanks end it outside
    // double quotes only, and \" is a quote that neither opens nor closes one. -1 when a quote is left open.
    private static int OptionsEnd(string text)
    {
        var quoted = false;
        var i = 0;
        for (; i < text.Length && (quoted || !IsBlank(text[i])); i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '"')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
        }

        return quoted ? -1 : i;
    }
}
