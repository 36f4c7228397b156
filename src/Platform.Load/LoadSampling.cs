namespace Platform.Load;

/// <summary>
/// Groups the load's counts per tenth of a second into samples of a given width, for charts drawn while the load
/// may still run. The last sample covers only the time up to the moment of reading: its width is that time, so
/// its rate is not shown as a drop. A sliver (under a fifth of a sample) is merged into the sample before it,
/// whose rate it then barely moves: a rate over a few milliseconds is noise.
/// </summary>
public static class LoadSampling
{
    /// <param name="tenths">Counts per tenth of a second since the load began (Tenth: its index).</param>
    /// <param name="tenthsPerSample">Tenths in a sample: 10 for seconds.</param>
    /// <param name="coveredSeconds">Seconds since the load began up to which counts were taken.</param>
    public static IReadOnlyList<LoadSample> Group(IEnumerable<(int Tenth, int Requests, int Failed)> tenths, int tenthsPerSample, double coveredSeconds)
    {
        var width = tenthsPerSample / 10.0;
        var samples = tenths
            .GroupBy(t => t.Tenth / tenthsPerSample)
            .OrderBy(g => g.Key)
            .Select(g => new LoadSample(g.Key * width, Math.Clamp(coveredSeconds - (g.Key * width), 0, width), g.Sum(t => t.Requests), g.Sum(t => t.Failed)))
            .ToList();
        if (samples.Count > 0 && samples[^1].Width < width / 5)
        {
            var sliver = samples[^1];
            samples.RemoveAt(samples.Count - 1);
            if (samples.Count > 0 && samples[^1].Start + samples[^1].Width >= sliver.Start - 1e-9)
            {
                var before = samples[^1];
                samples[^1] = before with { Width = before.Width + sliver.Width, Requests = before.Requests + sliver.Requests, Failed = before.Failed + sliver.Failed };
            }
            else
            {
                // Nothing just before it (a gap, or the first sample): kept, at the smallest width that is no noise.
                samples.Add(sliver with { Width = width / 5 });
            }
        }

        return samples;
    }
}
