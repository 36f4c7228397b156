using System.Globalization;

namespace Platform.Secrets;

/// <summary>Durations in Vault's string form (<c>30m</c>, <c>1h</c>, <c>90s</c>), for TTLs and lease increments.</summary>
internal static class VaultDuration
{
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)Math.Ceiling(duration.TotalSeconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1, nameof(duration));
        return seconds switch
        {
            _ when seconds % 3600 == 0 => (seconds / 3600).ToString(CultureInfo.InvariantCulture) + "h",
            _ when seconds % 60 == 0 => (seconds / 60).ToString(CultureInfo.InvariantCulture) + "m",
            _ => seconds.ToString(CultureInfo.InvariantCulture) + "s",
        };
    }
}
