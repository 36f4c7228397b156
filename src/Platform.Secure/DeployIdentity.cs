using Platform.Core;

namespace Platform.Secure;

/// <summary>
/// The key pair Platform itself logs in with (an operator of the circle like any other), generated
/// once per environment at <c>.platform/&lt;env&gt;/keys/id_ed25519</c> with mode 0600.
/// </summary>
public sealed class DeployIdentity
{
    public const string OperatorName = "deploy";

    private DeployIdentity(string privateKeyFile, OpenSshPublicKey publicKey)
    {
        PrivateKeyFile = privateKeyFile;
        PublicKey = publicKey;
    }

    public string PrivateKeyFile { get; }

    public OpenSshPublicKey PublicKey { get; }

    /// <summary>Loads the identity, creating it first if it does not exist (never in check mode).</summary>
    public static async Task<DeployIdentity> EnsureAsync(RunContext run)
    {
        var file = run.Layout.DeployKeyFile;
        if (!File.Exists(file))
        {
            // A key that goes missing from a provisioned environment is lost, not new: a fresh one would be refused
            // by every host, and would replace the circle's deploy key so that even SeedKeys could not get back in.
            if (File.Exists(file + ".pub"))
            {
                throw Lost(file, $"its public half {file}.pub is still there");
            }

            if (run.CheckMode)
            {
                throw new PlatformException($"No deploy key at {file} yet; it is created by the first Apply (check mode creates nothing).");
            }

            Directory.CreateDirectory(run.Layout.KeysDir);
            File.SetUnixFileMode(run.Layout.KeysDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await run.Commands.RunAsync(
                "ssh-keygen",
                ["-q", "-t", "ed25519", "-N", string.Empty, "-C", $"platform-deploy@{run.Environment}", "-f", file],
                cancellation: run.Cancellation);
            run.Reporter.Info($"Created the deploy identity {file}");
        }

        return Load(file);
    }

    /// <summary>The deploy key is missing where it is needed, and must not be replaced by a new one (<paramref name="evidence"/> says why not).</summary>
    public static PlatformException Lost(string privateKeyFile, string evidence) => new(
        $"The deploy key {privateKeyFile} (or its .pub) is missing, and this environment was provisioned with it ({evidence}): its hosts let Platform in with that key only, so a new one would be refused by all of them. " +
        "Restore both files from your backup; nothing was changed. If the key is lost for good, a member of the circle can let a new one in by hand (README: Replacing the deploy key); a local environment can be destroyed (Destroy --force: the lock cannot be checked without the key) and deployed again once its stale .pub and its circle's deploy entry (Revoke refuses it: move .platform/<env>/secrets/operators/deploy.json away) are moved away.");

    public static DeployIdentity Load(string privateKeyFile)
    {
        var publicFile = privateKeyFile + ".pub";
        if (!File.Exists(privateKeyFile) || !File.Exists(publicFile))
        {
            throw Lost(privateKeyFile, "it is what Platform logs in with");
        }

        var mode = File.GetUnixFileMode(privateKeyFile);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new PlatformException($"The deploy key {privateKeyFile} is readable by others (mode {Convert.ToString((int)mode, 8)}); run 'chmod 600 {privateKeyFile}'.");
        }

        return new DeployIdentity(privateKeyFile, OpenSshPublicKey.Parse(File.ReadAllText(publicFile), publicFile));
    }
}
