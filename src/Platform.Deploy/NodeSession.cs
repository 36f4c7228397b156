using Platform.Secure;

namespace Platform.Deploy;

/// <summary>An app node with its SSH session and its folder layout.</summary>
public sealed record NodeSession(HostSession Ssh, NodeLayout Layout)
{
    public string Name => Layout.Node.Name;

    public string Address => Layout.Node.Address;
}
