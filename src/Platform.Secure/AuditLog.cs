using Platform.Core;

namespace Platform.Secure;

/// <summary>
/// One line per Deploy/Stage/RollNode/Rollback run — time, operator, target, version, result (and the
/// node, when <c>--node</c> limited it, and the CI build when there is one) — per SeedKeys that changed
/// a host (the circle pushed is the subject, the hosts changed follow), per Apply that changed resources
/// (the addresses it changed, with Terraform's symbols), per MigrateDb/ExpandDb/ContractDb that applied
/// migrations, per Unlock that broke another run's lock — appended on the lb host and to
/// <c>artifacts/&lt;env&gt;/audit.log</c>; per Destroy, and per change of the trusted circle in the secrets store
/// (Onboard, Revoke, Rotate: the operator changed is the subject), written locally only.
/// </summary>
public static class AuditLog
{
    /// <param name="node">The one node rolled (<c>--node</c>), when the run was limited to it.</param>
    /// <param name="subject">The operator onboarded, revoked or rotated, with their key's fingerprint; the circle SeedKeys pushed.</param>
    /// <param name="changed">The hosts SeedKeys changed; the resources an Apply changed (a failed one: those its state shows changed).</param>
    /// <param name="planned">What a failed Apply set out to change (of which <paramref name="changed"/>, when the state could tell).</param>
    public static string Line(DateTimeOffset at, string operatorName, string target, string version, string result, string? build, string? node = null, string? subject = null, string? changed = null, string? planned = null, string? overrides = null) =>
        $"{at:yyyy-MM-ddTHH:mm:ssZ} operator={Token(operatorName)} target={Token(target)} version={Token(version)} result={Token(result)}" +
        (subject is null ? string.Empty : $" subject={Token(subject)}") + (changed is null ? string.Empty : $" changed={Token(changed)}") +
        (planned is null ? string.Empty : $" planned={Token(planned)}") +
        (node is null ? string.Empty : $" node={Token(node)}") + (overrides is null ? string.Empty : $" overrides={Token(overrides)}") +
        (build is null ? string.Empty : $" build={Token(build)}");

    /// <summary>
    /// The safety checks the run was told to pass over (<c>--force</c>, <c>--allow-destroy</c>, <c>--replace</c>) and the naive
    /// restart strategy, for the audit line: who overrode what is on record; null when none.
    /// </summary>
    public static string? Overrides(RunArguments arguments)
    {
        var given = new List<string>();
        foreach (var flag in new[] { "force", "allow-destroy" })
        {
            if (arguments.GetFlag(flag))
            {
                given.Add(flag);
            }
        }

        if (arguments.Get("strategy") == "restart")
        {
            given.Add("strategy=restart");
        }

        // Naming a resource to replace is consent to lose what it holds, as --allow-destroy is.
        given.AddRange(arguments.All("replace").Select(address => "replace=" + address));

        return given.Count == 0 ? null : string.Join(",", given);
    }

    // How long recording a change may still take once the run was interrupted.
    private static readonly TimeSpan AfterInterruption = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Records a change that happened: with a token of its own, so that a Ctrl+C after the change cannot lose
    /// its line; locally first, then on the lb host that <paramref name="lb"/> opens (none: local only), and
    /// when that host cannot be reached or written, the line stays local and the run says so.
    /// </summary>
    public static async Task RecordAsync(RunContext run, Func<CancellationToken, Task<HostSession?>>? lb, string line)
    {
        using var cleanup = new CancellationTokenSource(AfterInterruption);
        HostSession? session = null;
        try
        {
            session = lb is null ? null : await lb(cleanup.Token);
        }
        catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
        {
            run.Reporter.Warn($"The lb host is unreachable; the audit line is written locally only, to {run.Layout.AuditLogFile} ({ex.Message})");
        }

        try
        {
            await AppendAsync(run, session, line, cleanup.Token);
        }
        catch (Exception ex) when (session is not null && ex is PlatformException or OperationCanceledException)
        {
            run.Reporter.Warn($"The audit line could not be appended on the lb host ({ex.Message}); it is in {run.Layout.AuditLogFile}.");
        }
    }

    public static async Task AppendAsync(RunContext run, HostSession? lb, string line, CancellationToken cancellation)
    {
        Directory.CreateDirectory(run.Layout.ArtifactsDir);
        await File.AppendAllTextAsync(run.Layout.AuditLogFile, line + "\n", cancellation);
        if (lb is not null)
        {
            await lb.AppendAsync($"{lb.Host.BaseDir.TrimEnd('/')}/audit.log", line + "\n", cancellation);
        }
    }

    // Values are single tokens: spaces would make the line ambiguous to read back, and a line break
    // (from --as, PLATFORM_OPERATOR or the CI) would let a value forge a whole audit line of its own.
    private static string Token(string value) =>
        string.IsNullOrWhiteSpace(value)
            ? "-"
            : string.Concat(value.Trim().Select(c => char.IsWhiteSpace(c) || char.IsControl(c) ? '_' : c));
}
