using System.Net;

namespace Platform.Core;

/// <summary>
/// An address a host is reached at, as it appears unquoted in commands on the hosts (bash's <c>/dev/tcp</c>,
/// HAProxy's runtime API): an IPv4 or IPv6 address, without a zone (<c>%…</c> takes any text), or a DNS name.
/// </summary>
public static class HostAddress
{
    public static bool IsValid(string address) =>
        address.Length is > 0 and <= 253
        && address.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':')
        && (IPAddress.TryParse(address, out _) || Uri.CheckHostName(address) == UriHostNameType.Dns);
}
