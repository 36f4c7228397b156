using System.Runtime.InteropServices;

namespace Platform.Core;

/// <summary>
/// Turns the first Ctrl+C (SIGINT) or SIGTERM of a run into a cancellation instead of the end of the
/// process: a roll then puts the nodes in flight back on the release they ran and stops what it
/// started ahead, and Cake's Teardown releases the deploy lock and writes the audit line and report.
/// A second signal ends the process at once, as usual.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly Action<string> _say;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private DateTime? _first;
    private bool _interrupted;
    private string _signal = "SIGINT";
    private readonly Timer? _orphanWatch;

    /// <param name="say">Where to say that the run is stopping (Cake's log).</param>
    /// <param name="listen">False in tests: no process-wide handlers, signals are simulated with <see cref="OnSignal"/>.</param>
    public Interruption(Action<string> say, bool listen = true)
    {
        _say = say;
        if (listen)
        {
            _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
            _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
            if (OperatingSystem.IsLinux())
            {
                _orphanWatch = WatchParent(ParentProcessId, TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>For tests: no signal handlers, the parent read with <paramref name="parent"/> every <paramref name="interval"/>.</summary>
    internal Interruption(Action<string> say, Func<int> parent, TimeSpan interval)
    {
        _say = say;
        _orphanWatch = WatchParent(parent, interval);
    }

    // The process that started Cake (the dotnet host under build.sh) killed outright (SIGKILL: a CI that kills only the
    // job's top process) leaves this one orphaned, finishing a roll nobody watches: that counts as a stop, as SIGTERM would.
    private Timer? WatchParent(Func<int> parent, TimeSpan interval)
    {
        var started = parent();
        if (started <= 1)
        {
            return null;
        }

        return new Timer(
            _ =>
            {
                var now = parent();
                if (now > 0 && now != started)
                {
                    Stop($"the end of the process that started this run (pid {started})");
                }
            },
            null,
            interval,
            interval);
    }

    // This process's parent, from /proc/self/stat (after the command name, which may hold spaces): 0 when unreadable.
    private static int ParentProcessId()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.TryParse(fields[1], System.Globalization.CultureInfo.InvariantCulture, out var ppid) ? ppid : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>
    /// Runs a task's body; once interrupted, its cancellation surfaces as one line saying so instead
    /// of "The operation was canceled".
    /// </summary>
    /// <param name="task">The task's name: an interrupted Apply or Destroy may leave Terraform's resource in the making tainted.</param>
    public async Task RunAsync(Func<Task> body, string? task = null)
    {
        try
        {
            await body();
        }
        catch (OperationCanceledException ex) when (_cancel.IsCancellationRequested)
        {
            throw Stopped(ex, task is "Apply" or "Destroy");
        }
    }

    /// <summary>Before a task starts: once interrupted, no further task runs (the run goes to Teardown).</summary>
    public void ThrowIfInterrupted(string task)
    {
        if (Volatile.Read(ref _interrupted))
        {
            throw new PlatformException($"Stopped by {_signal} before {task}.");
        }
    }

    private PlatformException Stopped(Exception inner, bool terraform)
    {
        // A step that says what the interruption left (an Apply: what Terraform changed) throws a cancellation of its own kind.
        var said = inner.GetType() != typeof(OperationCanceledException) && inner is not TaskCanceledException ? " " + inner.Message : string.Empty;
        return terraform
            ? new($"Stopped by {_signal}: what was in flight was put back or finished (see above). If Terraform was running, a resource it was still making is left tainted (Terraform's lines above name it), and the next plan replaces it.{said}", inner)
            : new($"Stopped by {_signal}: what was in flight was put back or finished (see above).{said}", inner);
    }

    internal void OnSignal(PosixSignalContext context) => OnSignal(context, DateTime.UtcNow);

    // The same signal may arrive twice at once (a SIGTERM to the process group reaches this process
    // from the sender and again from the dotnet host forwarding it): within a second it counts once.
    internal void OnSignal(PosixSignalContext context, DateTime now)
    {
        lock (_cancel)
        {
            if (_first is { } first)
            {
                // Not the first: within the second, swallowed; after it, the default handling ends the process.
                context.Cancel = now - first < TimeSpan.FromSeconds(1);
                return;
            }

            _first = now;
        }

        context.Cancel = true;
        Stop(context.Signal.ToString(), "Send it again to stop at once.");
    }

    private void Stop(string cause, string? more = null)
    {
        lock (_cancel)
        {
            if (_interrupted)
            {
                return;
            }

            _signal = cause;
            _first ??= DateTime.UtcNow;
            Volatile.Write(ref _interrupted, true);
        }

        _say($"{(cause.StartsWith("SIG", StringComparison.Ordinal) ? $"{cause} received" : $"Stopping on {cause}")}: stopping safely (what is in flight is finished or put back: a roll returns its nodes in flight to the release they ran, Terraform finishes its step; then the deploy lock is released).{(more is null ? string.Empty : " " + more)}");
        _orphanWatch?.Change(Timeout.Infinite, Timeout.Infinite);
        // Off the signal thread: cancellation callbacks run synchronously and may take a while.
        _ = Task.Run(_cancel.Cancel);
    }

    public void Dispose()
    {
        _orphanWatch?.Dispose();
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }
}
