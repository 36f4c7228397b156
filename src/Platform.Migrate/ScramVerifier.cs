using System.Security.Cryptography;
using System.Text;

namespace Platform.Migrate;

/// <summary>
/// A role's password as PostgreSQL stores it for SCRAM-SHA-256 (<c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c>,
/// RFC 5802/7677): computed here and sent in <c>ALTER ROLE … PASSWORD</c> instead of the password,
/// which so never reaches the server, its statement log or an error about the statement.
/// PostgreSQL takes a verifier as given, whatever its <c>password_encryption</c>.
/// </summary>
public static class ScramVerifier
{
    /// <summary>PostgreSQL's own default (<c>scram_iterations</c>).</summary>
    public const int Iterations = 4096;

    public static string For(string password, byte[]? salt = null, int iterations = Iterations)
    {
        salt ??= RandomNumberGenerator.GetBytes(16);
        // SASLprep is the identity for the ASCII passwords Platform generates; PostgreSQL falls back to the raw bytes as well.
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
