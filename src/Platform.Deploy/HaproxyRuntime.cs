using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Core;

namespace Platform.Deploy;

/// <summary>One server line of <c>show stat</c>.</summary>
public sealed record ServerStat(string Backend, string Server, string Status, int CurrentSessions, string Address)
{
    /// <summary>The last health check's result (<c>check_status</c>, <c>last_chk</c>: e.g. "L4CON Connection refused"); null when HAProxy gave none.</summary>
    public string? LastCheck { get; init; }

    /// <summary>UP (also "UP 1/2" while rising), DOWN, MAINT, DRAIN, NOLB, no check.</summary>
    public bool IsUp => Status.StartsWith("UP", StringComparison.Ordinal) || Status == "no check";

    public bool IsMaintenance => Status.StartsWith("MAINT", StringComparison.Ordinal);

    public bool IsDraining => Status.StartsWith("DRAIN", StringComparison.Ordinal);
}

/// <summary>Administrative state of a server slot (<c>set server … state</c>).</summary>
public enum SlotState
{
    Ready,
    Drain,
    Maint,
}

/// <summary>
/// HAProxy 2.6's runtime API, as RollNode uses it: point a slot at an address and port, move it
/// between ready, drain and maintenance, and read <c>show stat</c> (status and current sessions).
/// Several commands go in one call; any error answer fails the call.
/// </summary>
public sealed partial class HaproxyRuntime(IRuntimeApiChannel channel, string backend)
{
    public string Backend => backend;

    public async Task<IReadOnlyList<ServerStat>> ShowStatAsync(CancellationToken cancellation = default) =>
        ParseStat(await channel.SendAsync(["show stat"], cancellation), backend);

    public async Task<ServerStat> StatAsync(string server, CancellationToken cancellation = default) =>
        (await ShowStatAsync(cancellation)).FirstOrDefault(s => s.Server == server)
        ?? throw new PlatformException($"HAProxy has no server '{server}' in backend '{backend}'. Was the node added without Apply?");

    /// <summary>Points a slot at its address and port, marks its health up (RollNode has just seen it ready) and readies it.</summary>
    public Task ActivateAsync(string server, string address, int port, CancellationToken cancellation = default) =>
        RunAsync(cancellation,
            $"set server {backend}/{server} addr {address} port {port.ToString(CultureInfo.InvariantCulture)}",
            $"set server {backend}/{server} state ready",
            $"set server {backend}/{server} health up");

    public Task SetStateAsync(string server, SlotState state, CancellationToken cancellation = default) =>
        RunAsync(cancellation, $"set server {backend}/{server} state {state.ToString().ToLowerInvariant()}");

    /// <summary>
    /// Takes a slot out of the pool without cutting a request: drain (no new sessions), wait until its
    /// sessions reach 0 or <paramref name="timeout"/> passes, then maintenance. Returns the sessions left at the timeout.
    /// </summary>
    public async Task<int> DrainAsync(string server, TimeSpan timeout, CancellationToken cancellation = default)
    {
        await SetStateAsync(server, SlotState.Drain, cancellation);
        var until = DateTime.UtcNow + timeout;
        int sessions;
        while ((sessions = (await StatAsync(server, cancellation)).CurrentSessions) > 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(5, cancellation); // one command on the open runtime API connection: cheap to ask often
        }

        await SetStateAsync(server, SlotState.Maint, cancellation);
        return sessions;
    }

    /// <summary>Runs commands in one call and checks every answer.</summary>
    public async Task RunAsync(CancellationToken cancellation, params string[] commands)
    {
        var answer = await channel.SendAsync(commands, cancellation);
        var errors = answer.Split('\n').Select(l => l.Trim()).Where(l => ErrorAnswer().IsMatch(l)).ToList();
        if (errors.Count > 0)
        {
            throw new PlatformException($"HAProxy refused '{string.Join("; ", commands)}': {string.Join(" ", errors)}");
        }
    }

    /// <summary>Parses <c>show stat</c> CSV; columns are found by name from its header.</summary>
    public static IReadOnlyList<ServerStat> ParseStat(string csv, string backend)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))
            ?? throw new PlatformException("HAProxy's 'show stat' answer has no header line: " + CommandRunner.Tail(csv, 3));
        var columns = header[2..].Split(',');
        int Column(string name) => Array.IndexOf(columns, name) is var i and >= 0 ? i : throw new PlatformException($"HAProxy's 'show stat' has no '{name}' column.");
        int px = Column("pxname"), sv = Column("svname"), status = Column("status"), scur = Column("scur"), addr = Column("addr");
        // Optional: why a server is DOWN, for the messages (older versions or other builds may lack them).
        int checkStatus = Array.IndexOf(columns, "check_status"), lastCheck = Array.IndexOf(columns, "last_chk");
        return lines.Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(','))
            .Where(f => f.Length > addr && f[px] == backend && f[sv] is not ("FRONTEND" or "BACKEND"))
            .Select(f => new ServerStat(f[px], f[sv], f[status], int.TryParse(f[scur], out var n) ? n : 0, f[addr]) { LastCheck = LastCheck(f, checkStatus, lastCheck) })
            .ToList();
    }

    private static string? LastCheck(string[] fields, int status, int detail)
    {
        var text = string.Join(' ', new[] { status, detail }.Where(i => i >= 0 && i < fields.Length).Select(i => fields[i].Trim()).Where(t => t.Length > 0));
        return text.Length == 0 ? null : text;
    }

    [GeneratedRegex(@"^(No such|Require|Unknown command|Permission denied|Invalid|.*\bexpects\b|.*\bnot found\b|.*\bcannot\b|.*\bCan't\b)", RegexOptions.IgnoreCase)]
    private static partial Regex ErrorAnswer();
}
