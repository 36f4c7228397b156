using System.Globalization;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>
/// Where things live on an app node, under its <c>baseDir</c>:
/// <code>
/// releases/&lt;version&gt;/app/, release.sha256                    the releases kept (last 3), each with the checksum of its tarball
/// slots/&lt;port&gt;/pid, release                                   what runs on each slot
/// logs/catalog-&lt;version&gt;-&lt;port&gt;.log                          one log per release and slot
/// catalog.env                                                  the service's settings (0600)
/// current.json                                                 the node's current release and slot
/// </code>
/// </summary>
public sealed class NodeLayout(InventoryHost node)
{
    public InventoryHost Node => node;

    public string BaseDir => node.BaseDir.TrimEnd('/');

    public string ReleasesDir => $"{BaseDir}/releases";

    public string ReleaseDir(string version) => $"{ReleasesDir}/{version}";

    public string AppDir(string version) => $"{ReleaseDir(version)}/app";

    /// <summary>The checksum of the tarball a release folder was unpacked from, written once it is complete.</summary>
    public string ReleaseChecksumFile(string version) => $"{ReleaseDir(version)}/release.sha256";

    public string SlotDir(int port) => $"{BaseDir}/slots/{port.ToString(CultureInfo.InvariantCulture)}";

    public string PidFile(int port) => $"{SlotDir(port)}/pid";

    public string SlotReleaseFile(int port) => $"{SlotDir(port)}/release";

    public string LogFile(string version, int port) => $"{BaseDir}/logs/catalog-{version}-{port.ToString(CultureInfo.InvariantCulture)}.log";

    public string EnvFile => $"{BaseDir}/catalog.env";

    public string CurrentFile => $"{BaseDir}/current.json";

    /// <summary>The HAProxy server name of a slot: <c>web-1_8081</c>.</summary>
    public string ServerName(int port) => $"{node.Name}_{port.ToString(CultureInfo.InvariantCulture)}";
}
