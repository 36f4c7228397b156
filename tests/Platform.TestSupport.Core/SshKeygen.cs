using System.Globalization;
using Platform.Core;

namespace Platform.TestSupport;

/// <summary>
/// Real OpenSSH key pairs made by ssh-keygen itself, never written by hand: the keys, and the fingerprints,
/// the code under test must read exactly as OpenSSH does.
/// </summary>
public static class SshKeygen
{
    /// <summary>
    /// Makes <paramref name="file"/> (private) and <paramref name="file"/>.pub, without a passphrase. Without a
    /// <paramref name="comment"/> the key carries ssh-keygen's own (user@host).
    /// </summary>
    public static async Task NewPairAsync(string file, string type = "ed25519", string? comment = null, int? bits = null)
    {
        string[] size = bits is { } b ? ["-b", b.ToString(CultureInfo.InvariantCulture)] : [];
        string[] commented = comment is null ? [] : ["-C", comment];
        await Commands().RunAsync("ssh-keygen", ["-q", "-t", type, .. size, "-N", string.Empty, .. commented, "-f", file]);
    }

    /// <summary>An ed25519 pair <paramref name="name"/> in <paramref name="dir"/>, commented name@laptop: its private key file and its public key.</summary>
    public static async Task<(string PrivateFile, OpenSshPublicKey Public)> NewKeyAsync(string dir, string name)
    {
        var file = Path.Combine(dir, name);
        await NewPairAsync(file, comment: name + "@laptop");
        return (file, OpenSshPublicKey.Parse(await File.ReadAllTextAsync(file + ".pub"), file + ".pub"));
    }

    /// <summary>The fingerprint (<c>SHA256:...</c>) <c>ssh-keygen -l</c> prints for a public key file.</summary>
    public static async Task<string> FingerprintAsync(string publicKeyFile) =>
        (await Commands().RunAsync("ssh-keygen", ["-l", "-f", publicKeyFile])).StandardOutput.Split(' ')[1];

    private static CommandRunner Commands() => new(new RecordingReporter(), new SecretRedactor());
}
