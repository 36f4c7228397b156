using System.Globalization;

namespace Platform.Bench;

/// <summary>
/// The machine's CPU time so far, from the first line of <c>/proc/stat</c>: busy (user, nice,
/// system, irq, softirq) and stolen by the hypervisor, in seconds summed over cores. The difference
/// of two samples is the CPU a run used: it shows whether a roll was waiting on the machine's cores.
/// </summary>
public readonly record struct CpuSample(double BusySeconds, double StealSeconds)
{
    // /proc/stat counts in USER_HZ, which Linux fixes at 100 for user space.
    private const double TicksPerSecond = 100;

    /// <summary>Null where there is no /proc/stat (not Linux).</summary>
    public static CpuSample? Read() => File.Exists("/proc/stat") ? Parse(File.ReadLines("/proc/stat").First()) : null;

    /// <summary>Parses the aggregate line: <c>cpu user nice system idle iowait irq softirq steal ...</c>.</summary>
    public static CpuSample Parse(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9 || fields[0] != "cpu")
        {
            throw new FormatException($"Not the aggregate cpu line of /proc/stat: '{line}'");
        }

        double Field(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture) / TicksPerSecond;
        return new CpuSample(Field(1) + Field(2) + Field(3) + Field(6) + Field(7), Field(8));
    }

    // Rounded to the tick: the counters are whole hundredths, the doubles only approximate them.
    public static CpuSample operator -(CpuSample after, CpuSample before) =>
        new(Math.Round(after.BusySeconds - before.BusySeconds, 2), Math.Round(after.StealSeconds - before.StealSeconds, 2));
}
