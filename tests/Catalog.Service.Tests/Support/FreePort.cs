using System.Net;
using System.Net.Sockets;

namespace Catalog.Service.Tests.Support;

/// <summary>A TCP port nothing listens on right now, on a given loopback address.</summary>
internal static class FreePort
{
    public static int On(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
