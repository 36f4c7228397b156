namespace Platform.Bench;

/// <summary>
/// The scaling target, in one place for the verdict and the report: the 12-node roll at batch 3
/// within 1.3 times the 3-node roll at batch 1 (both measured without load).
/// </summary>
public static class ScalingTarget
{
    public const string Name = "12 nodes at batch 3 <= 1.3 x 3 nodes at batch 1";

    public const double Factor = 1.3;

    public static ScalingMeasure? Measured(IEnumerable<ScalingMeasure> scaling) => scaling.FirstOrDefault(s => s.Nodes == 12 && s.BatchSize == 3);

    public static ScalingMeasure? Baseline(IEnumerable<ScalingMeasure> scaling) => scaling.FirstOrDefault(s => s.Nodes == 3 && s.BatchSize == 1);

    /// <summary>The most the 12-node roll may take; null without the 3-node figure.</summary>
    public static double? LimitSeconds(IEnumerable<ScalingMeasure> scaling) => Baseline(scaling) is { } b ? Factor * b.Seconds : null;

    public static bool Met(IEnumerable<ScalingMeasure> scaling) =>
        Measured(scaling) is { } measured && LimitSeconds(scaling) is { } limit && measured.Seconds <= limit;
}
