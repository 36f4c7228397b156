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

    public static DeployIdentity Load(string privateKeyFile)
    {
        var publicFile = privateKeyFile + ".pub";
        if (!File.Exists(privateKeyFile) || !File.Exists(publicFile))
        {
            throw new PlatformException($"The deploy key {privateKeyFile} (and its .pub) is missing. Run Apply to create it, or restore it from your backup.");
        }

        var mode = File.GetUnixFileMode(privateKeyFile);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new PlatformException($"The deploy key {privateKeyFile} is readable by others (mode {Convert.ToString((int)mode, 8)}); run 'chmod 600 {privateKeyFile}'.");
        }

        return new DeployIdentity(privateKeyFile, OpenSshPublicKey.Parse(File.ReadAllText(publicFile), publicFile));
    }
}
