namespace Platform.Load;

/// <summary>Requests and failures in one second of a load run.</summary>
public sealed record LoadSecond(int Second, int Requests, int Failed);

/// <summary>Requests and failures answered from <paramref name="Start"/> (seconds since the load began) for <paramref name="Width"/> seconds.</summary>
public sealed record LoadSample(double Start, double Width, int Requests, int Failed);

/// <summary>What a load run saw: every request counted, every failure classified.</summary>
public sealed record LoadReport(
    TimeSpan Duration,
    int Requests,
    int Failed,
    IReadOnlyDictionary<string, int> FailuresByKind,
    IReadOnlyList<LoadSecond> Seconds,
    double P50Ms,
    double P99Ms)
{
    public double RequestsPerSecond => Duration.TotalSeconds == 0 ? 0 : Requests / Duration.TotalSeconds;

    public override string ToString() =>
        $"{Requests} requests in {Duration.TotalSeconds:0.0} s ({RequestsPerSecond:0}/s), {Failed} failed" +
        (FailuresByKind.Count == 0 ? string.Empty : $" ({string.Join(", ", FailuresByKind.Select(kv => $"{kv.Key}: {kv.Value}"))})") +
        $", p50 {P50Ms:0.0} ms, p99 {P99Ms:0.0} ms";
}
