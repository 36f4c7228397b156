using Platform.Core;
using Platform.Secure;

namespace Platform.TestSupport;

/// <summary>
/// A host to log in to, for a fixture: a real sshd (<see cref="TestSshd"/>) on a loopback range of its own
/// (address <c>.5</c>, port 2222) with its own host key, a client key it lets in, the inventory entry that
/// pins that host key, and a connector with the client key. Disposing stops sshd and removes everything.
/// </summary>
public sealed class TestSshHost : IAsyncDisposable
{
    private const int Port = 2222;
    private readonly LoopbackRange _range;
    private readonly TestSshd _sshd;

    private TestSshHost(LoopbackRange range, string dir, TestSshd sshd, InventoryHost host, SshConnector connector)
    {
        _range = range;
        Dir = dir;
        _sshd = sshd;
        Host = host;
        Connector = connector;
    }

    /// <summary>The fixture's scratch folder (sshd's files, the keys).</summary>
    public string Dir { get; }

    /// <summary>The host as an inventory lists it, its host key pinned.</summary>
    public InventoryHost Host { get; }

    public SshConnector Connector { get; }

    public Task<HostSession> OpenAsync() => HostSession.OpenAsync(Host, Connector);

    /// <summary>
    /// Ends every connection to this host from the server's side, as a lost network would: every process under its
    /// listening sshd (each connection's monitor and the process that holds its socket), killed by PID.
    /// </summary>
    public void DropConnections()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(System.IO.Path.GetFileName(dir), out var pid))
            {
                try
                {
                    var text = File.ReadAllText(System.IO.Path.Combine(dir, "stat"));
                    parents[pid] = int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // Gone meanwhile.
                }
            }
        }

        bool Under(int pid) => parents.TryGetValue(pid, out var parent) && (parent == _sshd.Pid || (parent > 1 && Under(parent)));
        foreach (var pid in parents.Keys.Where(Under))
        {
            using var kill = System.Diagnostics.Process.Start("kill", ["-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    /// <param name="configure">Given the folder, the host key file and the address: more sshd_config lines (e.g. a host certificate made for it).</param>
    public static async Task<TestSshHost> StartAsync(string scratchName, string hostName, string role, string extraConfig = "", Func<string, string, string, Task<string>>? configure = null)
    {
        var (range, dir) = LoopbackRange.AcquireWithScratch(scratchName);
        TestSshd? sshd = null;
        try
        {
            var address = range.Address(5);
            var hostKey = Path.Combine(dir, "host");
            await SshKeygen.NewPairAsync(hostKey);
            var client = await SshKeygen.NewKeyAsync(dir, "client");
            var more = configure is null ? string.Empty : await configure(dir, hostKey, address);
            sshd = await TestSshd.StartAsync(dir, address, Port, hostKey, client.Public + "\n", $"{extraConfig}\n{more}");
            var host = new InventoryHost
            {
                Name = hostName, Roles = [role], Address = address, SshPort = Port, SshUser = Environment.UserName, BaseDir = dir,
                HostKeyFingerprint = await SshKeygen.FingerprintAsync(hostKey + ".pub"),
            };
            return new TestSshHost(range, dir, sshd, host, new SshConnector(new SshCredentials(client.PrivateFile)));
        }
        catch
        {
            sshd?.Dispose();
            RepositoryRoot.RemoveScratch(dir);
            range.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _sshd.Dispose();
        RepositoryRoot.RemoveScratch(Dir);
        _range.Dispose();
        return ValueTask.CompletedTask;
    }
}
