using System.Net;
using System.Net.Sockets;

namespace Platform.TestSupport;

/// <summary>
/// A loopback port nothing listens on, held for as long as this is not disposed: the socket is bound but never
/// listens, so connections to it are refused at once, and no other test (or server) can take the port meanwhile,
/// as it could one that was bound and released. For a port a server is to listen on, bind that server to port 0.
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    /// <param name="address">A loopback address (127.x.y.z), e.g. a fixture's <c>LoopbackRange</c> address.</param>
    public ClosedPort(string address = "127.0.0.1") => _socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Dispose() => _socket.Dispose();
}
