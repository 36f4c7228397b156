using Platform.Core;
using Platform.Secrets;

namespace Platform.Secure;

/// <summary>
/// A CA for the local secrets backend: its ed25519 key pair is generated once and kept in the
/// secrets store (<c>ssh-ca/private-key</c>, <c>ssh-ca/public-key</c>); signing runs
/// <c>ssh-keygen -s</c> on a private copy of the key in a 0700 folder that is removed right after.
/// <paramref name="workDir"/> is the environment's keys folder, shared by all its runs: the CA is created
/// there under a lock, so that runs starting at once on a fresh workspace end up with one CA.
/// </summary>
public sealed class LocalCertificateAuthority(ISecretStore store, CommandRunner commands, string workDir) : ISshCertificateSigner
{
    private const string PrivateKeyEntry = "ssh-ca/private-key";
    private const string PublicKeyEntry = "ssh-ca/public-key";
    private const string CreationLock = ".ssh-ca.lock";

    public async Task<OpenSshPublicKey> PublicKeyAsync(CancellationToken cancellation = default)
    {
        await EnsureAsync(cancellation);
        return OpenSshPublicKey.Parse((await store.GetAsync(PublicKeyEntry, cancellation))!, PublicKeyEntry);
    }

    public Task<string> SignAsync(OpenSshPublicKey key, string principal, TimeSpan ttl, string identity, CancellationToken cancellation = default) =>
        SignAsync(key, principal, $"-{(int)SshCertificates.Backdate.TotalMinutes}m", $"+{Math.Max(1, (int)Math.Ceiling(ttl.TotalMinutes))}m", identity, cancellation);

    /// <summary>Signs with an explicit ssh-keygen validity window (<c>-V from:to</c>); tests use it for expired certificates.</summary>
    public async Task<string> SignAsync(OpenSshPublicKey key, string principal, string validFrom, string validTo, string identity, CancellationToken cancellation = default)
    {
        await EnsureAsync(cancellation);
        return await WithScratchAsync(async dir =>
        {
            var ca = Path.Combine(dir, "ca");
            AtomicFile.WriteAllText(ca, (await store.GetAsync(PrivateKeyEntry, cancellation))!, AtomicFile.OwnerOnly);
            var pub = Path.Combine(dir, "key.pub");
            await File.WriteAllTextAsync(pub, key.KeyText + "\n", cancellation);
            // A serial of its own (a KRL can revoke one certificate), and none of the forwarding Platform never uses:
            // the hosts' sshd turns it off as well, this is the second line.
            var serial = (BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)) >> 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await commands.RunAsync(
                "ssh-keygen",
                ["-q", "-s", ca, "-I", identity, "-n", principal, "-V", $"{validFrom}:{validTo}", "-z", serial, "-O", "no-port-forwarding", "-O", "no-agent-forwarding", "-O", "no-x11-forwarding", pub],
                cancellation: cancellation);
            return (await File.ReadAllTextAsync(Path.Combine(dir, "key-cert.pub"), cancellation)).Trim();
        });
    }

    private async Task EnsureAsync(CancellationToken cancellation)
    {
        if (await store.GetAsync(PublicKeyEntry, cancellation) is not null)
        {
            return;
        }

        // Two first runs creating a CA each would leave the one written last in the store, or a private key and a
        // public key of different pairs: certificates the hosts (trusting the other public key) refuse. Creation is
        // serialised, and a CA another run created while this one waited is used as it is, never replaced.
        Directory.CreateDirectory(workDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var creating = await FileLock.AcquireAsync(Path.Combine(workDir, CreationLock), TimeSpan.FromMinutes(1), cancellation);
        if (await store.GetAsync(PublicKeyEntry, cancellation) is not null)
        {
            return;
        }

        await WithScratchAsync(async dir =>
        {
            var file = Path.Combine(dir, "ca");
            await commands.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-C", "platform-user-ca", "-f", file], cancellation: cancellation);
            await store.SetAsync(PrivateKeyEntry, await File.ReadAllTextAsync(file, cancellation), cancellation);
            await store.SetAsync(PublicKeyEntry, (await File.ReadAllTextAsync(file + ".pub", cancellation)).Trim(), cancellation);
            return true;
        });
    }

    private async Task<T> WithScratchAsync<T>(Func<string, Task<T>> body)
    {
        var dir = Path.Combine(workDir, "ca-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            return await body(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
