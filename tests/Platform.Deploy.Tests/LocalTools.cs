using System.Diagnostics;
using Platform.Core;

namespace Platform.Deploy.Tests;

/// <summary>What the tests that run node-side scripts or stand-in servers on this machine share.</summary>
internal static class LocalTools
{
    /// <summary>The layout of an app node whose base folder is <paramref name="baseDir"/> on this machine.</summary>
    public static NodeLayout Node(string baseDir) => new(new InventoryHost
    {
        Name = "web-1",
        Roles = ["app"],
        Address = "127.0.10.11",
        SshPort = 2222,
        SshUser = "root",
        HostKeyFingerprint = "SHA256:x",
        BaseDir = baseDir,
    });

    /// <summary>Runs a script as a node does (<c>bash -c</c>) with this machine's bash; returns stdout and stderr.</summary>
    public static async Task<(string Output, string Errors)> BashAsync(string script)
    {
        var (output, errors, _) = await BashAsync(script, input: null);
        return (output, errors);
    }

    /// <summary>As <see cref="BashAsync(string)"/>, with <paramref name="input"/> written to the script's standard input (then closed), and its exit code.</summary>
    public static async Task<(string Output, string Errors, int ExitCode)> BashAsync(string script, byte[]? input)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        // A script that stops reading early fails this write (a broken pipe), as it would fail an upload.
        await bash.StandardInput.BaseStream.WriteAsync(input ?? []);
        bash.StandardInput.Close();
        await bash.WaitForExitAsync();
        return (await output, await errors, bash.ExitCode);
    }
}
