using System.Diagnostics;
using System.Net.Http;
using Platform.TestSupport;

namespace Catalog.Service.Tests.Support;

/// <summary>
/// The real service (<c>dotnet Catalog.Service.dll</c>) as a child process, with its stdout and stderr
/// collected line by line. Disposing kills it if it still runs, so no test leaves it behind.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private ServiceProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public IReadOnlyList<string> Stdout
    {
        get
        {
            lock (_stdout)
            {
                return [.. _stdout];
            }
        }
    }

    public IReadOnlyList<string> Stderr
    {
        get
        {
            lock (_stderr)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Starts the service from <paramref name="dll"/> with only the given catalog settings in its environment.</summary>
    public static ServiceProcess Start(IReadOnlyDictionary<string, string> environment, string? dll = null)
    {
        dll ??= ServiceBuild.Dll;
        var start = new ProcessStartInfo(DotnetProcess.DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);

        // Nothing the test run happens to have set may leak in and change the service's behaviour.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("CATALOG", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var service = new ServiceProcess(process);
        process.OutputDataReceived += (_, e) => Append(service._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(service._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits for a stdout line that matches; fails the test if the process exits or the time runs out first.</summary>
    public async Task<string> WaitForStdoutAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Stdout.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Expected output did not appear (exited: {_process.HasExited}).\nstdout:\n{string.Join('\n', Stdout)}\nstderr:\n{string.Join('\n', Stderr)}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Waits until <paramref name="url"/> answers 200 (the service listens); fails the test otherwise.</summary>
    public async Task WaitUntilAnsweringAsync(HttpClient client, string url, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The service never answered {url} (exited: {_process.HasExited}).\nstdout:\n{string.Join('\n', Stdout)}\nstderr:\n{string.Join('\n', Stderr)}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <returns>The exit code; fails the test if the process does not exit in time.</returns>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The service did not exit within {timeout}.\nstdout:\n{string.Join('\n', Stdout)}");
        }

        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as systemd or the deployer does to stop a release.</summary>
    public void Terminate()
    {
        ProcessSignal.Send("TERM", _process.Id);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }
    }
}
