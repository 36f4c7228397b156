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
    private int _signals;
    private PosixSignal _signal;

    /// <param name="say">Where to say that the run is stopping (Cake's log).</param>
    /// <param name="listen">False in tests: no process-wide handlers, signals are simulated with <see cref="OnSignal"/>.</param>
    public Interruption(Action<string> say, bool listen = true)
    {
        _say = say;
        if (listen)
        {
            _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
            _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        }
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>
    /// Runs a task's body; once interrupted, its cancellation surfaces as one line saying so instead
    /// of "The operation was canceled".
    /// </summary>
    public async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (OperationCanceledException ex) when (_cancel.IsCancellationRequested)
        {
            throw new PlatformException($"Stopped by {_signal}: what was in flight was put back or finished (see above); the deploy lock is released.", ex);
        }
    }

    internal void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            return; // The second one: the default handling ends the process.
        }

        context.Cancel = true;
        _signal = context.Signal;
        _say($"{context.Signal} received: stopping safely (nodes in flight go back to the release they ran, the deploy lock is released). Send it again to stop at once.");
        // Off the signal thread: cancellation callbacks run synchronously and may take a while.
        _ = Task.Run(_cancel.Cancel);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }
}
