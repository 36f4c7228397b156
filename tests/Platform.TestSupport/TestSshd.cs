using System.Diagnostics;
using System.Net.Sockets;
using Platform.Core;

namespace Platform.TestSupport;

/// <summary>
/// A real sshd for one fixture, in the foreground (<c>-D</c>) on one loopback address and port, with
/// its host key, authorized keys, log and pid file in the fixture's scratch folder. Started once
/// listening; disposing kills it (by its process, never by name).
/// </summary>
public sealed class TestSshd : IDisposable
{
    private readonly Process _process;

    private TestSshd(Process process, string address, int port)
    {
        _process = process;
        Address = address;
        Port = port;
    }

    public string Address { get; }

    public int Port { get; }

    /// <summary>The listening sshd: each connection is served by a child of it.</summary>
    public int Pid => _process.Id;

    /// <param name="extraConfig">More sshd_config lines (e.g. <c>MaxSessions 1</c>, <c>HostCertificate …</c>).</param>
    public static async Task<TestSshd> StartAsync(string dir, string address, int port, string hostKey, string authorizedKeys, string extraConfig = "")
    {
        var keys = Path.Combine(dir, "authorized_keys");
        await File.WriteAllTextAsync(keys, authorizedKeys);
        var config = Path.Combine(dir, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            ListenAddress {address}:{port}
            HostKey {hostKey}
            AuthorizedKeysFile {keys}
            PidFile {dir}/sshd.pid
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            {extraConfig}

            """);
        var log = Path.Combine(dir, "sshd.log");
        var process = Process.Start(new ProcessStartInfo(ToolLocator.Find("sshd") ?? "/usr/sbin/sshd", ["-D", "-E", log, "-f", config]))!;
        var sshd = new TestSshd(process, address, port);
        try
        {
            await sshd.WaitUntilListeningAsync(log);
            return sshd;
        }
        catch
        {
            sshd.Dispose();
            throw;
        }
    }

    // sshd binds its address before it answers; polled rather than slept, and bounded so a broken sshd fails the fixture.
    private async Task WaitUntilListeningAsync(string log)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sshd exited: {await File.ReadAllTextAsync(log)}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(Address, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"sshd did not listen on {Address}:{Port}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
        _process.Dispose();
    }
}
