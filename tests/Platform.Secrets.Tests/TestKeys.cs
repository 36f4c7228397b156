using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Secrets.Tests;

/// <summary>OpenSSH key lines for tests, built from a random key blob (no ssh-keygen needed).</summary>
internal static class TestKeys
{
    public static string Ed25519PublicKey(string comment = "deploy@test")
    {
        var type = Encoding.ASCII.GetBytes("ssh-ed25519");
        var key = RandomNumberGenerator.GetBytes(32);
        var blob = new byte[4 + type.Length + 4 + key.Length];
        BinaryPrimitives.WriteInt32BigEndian(blob, type.Length);
        type.CopyTo(blob, 4);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(4 + type.Length), key.Length);
        key.CopyTo(blob, 8 + type.Length);
        return $"ssh-ed25519 {Convert.ToBase64String(blob)} {comment}";
    }
}
