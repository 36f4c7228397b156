using System.Collections.Concurrent;
using System.Diagnostics;

namespace Platform.Load;

/// <summary>
/// Sends a steady (open-loop) rate of GET requests to a URL until stopped, and counts every
/// non-2xx answer and every transport error as failed. Open loop: requests are issued on
/// schedule whatever the latency, so a stall shows up as failures or latency, not as a slower rate.
/// </summary>
public sealed class LoadGenerator(Uri target, int requestsPerSecond, int maxInFlight = 2048, TimeSpan? requestTimeout = null)
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    // Counts per tenth of a second since the start: a roll can take less than a second.
    private readonly ConcurrentDictionary<int, (int Requests, int Failed)> _tenths = new();
    private readonly ConcurrentBag<double> _latencies = [];
    private int _requests;
    private int _failed;
    private Stopwatch? _clock;
    private double _stoppedAt = double.NaN; // NaN while the load runs

    /// <summary>When the run began (per-second counts are relative to it).</summary>
    public DateTimeOffset StartedAt { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>Requests answered (or failed) so far, and how many failed: safe to read while the load runs.</summary>
    public (int Requests, int Failed) Totals => (Volatile.Read(ref _requests), Volatile.Read(ref _failed));

    /// <summary>The per-second counts so far, safe to read while the load runs.</summary>
    public IReadOnlyList<LoadSecond> Seconds() =>
        [.. Samples(10).Select(s => new LoadSecond((int)Math.Round(s.Start), s.Requests, s.Failed))];

    /// <summary>The counts so far in samples of <paramref name="tenths"/> tenths of a second, safe to read while the load runs (see <see cref="LoadSampling"/>).</summary>
    public IReadOnlyList<LoadSample> Samples(int tenths)
    {
        var counts = _tenths.ToArray();
        // Read after the counts: every answer counted lies within the time covered.
        var stopped = Volatile.Read(ref _stoppedAt);
        var covered = !double.IsNaN(stopped) ? stopped : _clock?.Elapsed.TotalSeconds ?? double.MaxValue;
        return LoadSampling.Group(counts.Select(c => (c.Key, c.Value.Requests, c.Value.Failed)), tenths, covered);
    }

    /// <summary>Runs until <paramref name="stop"/> is cancelled, then waits for requests in flight.</summary>
    public async Task<LoadReport> RunAsync(CancellationToken stop)
    {
        using var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = maxInFlight,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        };
        using var client = new HttpClient(handler) { Timeout = requestTimeout ?? TimeSpan.FromSeconds(5) };
        using var inFlight = new SemaphoreSlim(maxInFlight);
        var pending = new ConcurrentDictionary<Task, byte>();
        var clock = Stopwatch.StartNew();
        _clock = clock;
        Volatile.Write(ref _stoppedAt, double.NaN);
        StartedAt = DateTimeOffset.UtcNow;
        long issued = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * requestsPerSecond);
            while (issued < due && !stop.IsCancellationRequested)
            {
                issued++;
                if (!inFlight.Wait(0))
                {
                    Count(clock, "client saturated", TimeSpan.Zero);
                    continue;
                }

                var task = SendAsync(client, clock, inFlight);
                pending.TryAdd(task, 0);
                _ = task.ContinueWith(t => pending.TryRemove(t, out _), TaskScheduler.Default);
            }

            try
            {
                await Task.Delay(5, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        var duration = clock.Elapsed;
        await Task.WhenAll(pending.Keys);
        Volatile.Write(ref _stoppedAt, clock.Elapsed.TotalSeconds); // the last answers included
        var sorted = _latencies.Order().ToArray();
        return new LoadReport(
            duration,
            _requests,
            _failed,
            new Dictionary<string, int>(_failures),
            Seconds(),
            Percentile(sorted, 0.50),
            Percentile(sorted, 0.99));
    }

    private async Task SendAsync(HttpClient client, Stopwatch clock, SemaphoreSlim inFlight)
    {
        var started = clock.Elapsed;
        try
        {
            using var response = await client.GetAsync(target, HttpCompletionOption.ResponseContentRead);
            var elapsed = clock.Elapsed - started;
            Count(clock, response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}", elapsed);
        }
        catch (HttpRequestException ex)
        {
            Count(clock, ex.HttpRequestError == HttpRequestError.Unknown ? "transport" : ex.HttpRequestError.ToString(), clock.Elapsed - started);
        }
        catch (TaskCanceledException)
        {
            Count(clock, "timeout", clock.Elapsed - started);
        }
        finally
        {
            inFlight.Release();
        }
    }

    private void Count(Stopwatch clock, string? failure, TimeSpan latency)
    {
        Interlocked.Increment(ref _requests);
        var tenth = (int)(clock.Elapsed.TotalSeconds * 10);
        if (failure is null)
        {
            _latencies.Add(latency.TotalMilliseconds);
            _tenths.AddOrUpdate(tenth, (1, 0), (_, v) => (v.Requests + 1, v.Failed));
            return;
        }

        Interlocked.Increment(ref _failed);
        _failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
        _tenths.AddOrUpdate(tenth, (1, 1), (_, v) => (v.Requests + 1, v.Failed + 1));
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
