using System.Globalization;

namespace Platform.Deploy;

/// <summary>TCP ports in LISTEN state on an address, read from the text of /proc/net/tcp (and tcp6).</summary>
public static class ListeningPorts
{
    /// <summary>
    /// Ports listening on <paramref name="address"/>, and, when <paramref name="includeAnyAddress"/>,
    /// on every address (0.0.0.0 / ::) — which belong to the node on a real server, but to the shared
    /// machine in the local environment, where every host is only an address.
    /// </summary>
    public static IReadOnlySet<int> On(string procNetTcp, string address, bool includeAnyAddress = true)
    {
        var ports = new SortedSet<int>();
        foreach (var line in procNetTcp.Split('\n').Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4 || f[3] != "0A" || !f[1].Contains(':'))
            {
                continue;
            }

            var (hex, port) = (f[1].Split(':')[0], int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var local = Decode(hex);
            if (local == address || (includeAnyAddress && local is "0.0.0.0" or "::"))
            {
                ports.Add(port);
            }
        }

        return ports;
    }

    // /proc/net/tcp holds IPv4 addresses as little-endian hex; tcp6 as 32 hex digits (only the any-address matters here).
    private static string Decode(string hex)
    {
        if (hex.Length == 8)
        {
            var v = uint.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return $"{v & 0xFF}.{(v >> 8) & 0xFF}.{(v >> 16) & 0xFF}.{v >> 24}";
        }

        return hex.Trim('0').Length == 0 ? "::" : hex;
    }
}
