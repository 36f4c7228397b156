using Platform.Core;
using Platform.TestSupport;

namespace Platform.Secure.Tests;

/// <summary>Real key pairs made with ssh-keygen in a scratch folder.</summary>
internal static class Keys
{
    public static async Task<(string PrivateFile, OpenSshPublicKey Public)> NewAsync(string dir, string name)
    {
        var file = Path.Combine(dir, name);
        await new CommandRunner(new RecordingReporter(), new SecretRedactor())
            .RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name + "@laptop", "-f", file]);
        return (file, OpenSshPublicKey.Parse(await File.ReadAllTextAsync(file + ".pub"), file + ".pub"));
    }
}
