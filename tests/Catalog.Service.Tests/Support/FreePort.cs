using System.Net;
using System.Net.Sockets;

namespace Catalog.Service.Tests.Support;

/// <summary>
/// A TCP port free right now on a given loopback address, for a service process the test starts to listen on
/// (it takes its URL before it starts). Bound then released, so it is not held: for a port that must stay
/// closed, to be refused, use Platform.TestSupport's ClosedPort.
/// </summary>
internal static class FreePort
{
    public static int On(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
