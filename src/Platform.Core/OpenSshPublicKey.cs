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
            throw new PlatformException($"{source} must hold exactly one OpenSSH public key line (found {lines.Count}).");
        }

        if (!TryParseLine(lines[0], out var key, out var error))
        {
            throw new PlatformException($"{source} is not an OpenSSH public key: {error}. Expected a line like 'ssh-ed25519 AAAA… name@host' (e.g. ~/.ssh/id_ed25519.pub).");
        }

        // An authorized_keys line with options (command=, from=) would lose them: the circle keeps keys, and Platform
        // writes each one's options itself, so the key would get more than the line gave it.
        if (!lines[0].StartsWith(key!.Type + " ", StringComparison.Ordinal))
        {
            throw new PlatformException($"{source} has options or other words before its key type ({key.Type}), as an authorized_keys line may. Platform writes each key's options itself and would drop these, giving the key more access than they allow: give the plain public key (the .pub file). Nothing was changed.");
        }

        return key;
    }

    /// <summary>
    /// Parses an authorized_keys line, which may start with options (<c>from="…",no-pty ssh-ed25519 AAAA…</c>).
    /// The error never contains the line itself.
    /// </summary>
    public static bool TryParseLine(string line, out OpenSshPublicKey? key, out string error)
    {
        key = null;
        var tokens = Tokenize(line.Trim());
        var typeIndex = tokens.FindIndex(t => KnownTypes.Contains(t) || t.EndsWith("-cert-v01@openssh.com", StringComparison.Ordinal) || t == "ssh-dss");
        if (typeIndex < 0)
        {
            error = "no known key type (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa, sk-…)";
            return false;
        }

        var type = tokens[typeIndex];
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

        if (typeIndex + 1 >= tokens.Count)
        {
            error = "the key data after the type is missing";
            return false;
        }

        var base64 = tokens[typeIndex + 1];
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

        var comment = string.Join(' ', tokens.Skip(typeIndex + 2));
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

    // Splits on whitespace outside double quotes, so options such as command="a b" stay one token.
    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                }

                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
