using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Platform.Deploy.Tests;

/// <summary>What the tests that run node-side scripts or stand-in servers on this machine share.</summary>
internal static class LocalTools
{
    /// <summary>A loopback port nothing listens on (just released by a listener of our own).</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Runs a script as a node does (<c>bash -c</c>) with this machine's bash; returns stdout and stderr.</summary>
    public static async Task<(string Output, string Errors)> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        return (await output, await errors);
    }
}
