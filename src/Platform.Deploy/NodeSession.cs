using Platform.Core;
using Platform.Secure;

namespace Platform.Deploy;

/// <summary>An app node with its SSH session and its folder layout.</summary>
public sealed record NodeSession(HostSession Ssh, NodeLayout Layout)
{
    public string Name => Layout.Node.Name;

    public string Address => Layout.Node.Address;

    /// <summary>Runs one of Platform's node scripts (bash, whatever the login shell is); fails naming <paramref name="what"/>.</summary>
    public Task<string> RunScriptCheckedAsync(string script, string what, CancellationToken cancellation, TimeSpan? timeout = null) =>
        Ssh.RunCheckedAsync(Bash(script), what, cancellation, timeout);

    /// <summary>Runs one of Platform's node scripts with <paramref name="input"/> on its standard input; fails naming <paramref name="what"/>.</summary>
    public Task<string> RunScriptWithInputCheckedAsync(string script, Stream input, string what, CancellationToken cancellation, TimeSpan? timeout = null) =>
        Ssh.RunWithInputCheckedAsync(Bash(script), input, what, cancellation, timeout);

    /// <summary>Runs one of Platform's node scripts and returns its exit code and output, whatever they are.</summary>
    public Task<RemoteResult> RunScriptAsync(string script, CancellationToken cancellation, TimeSpan? timeout = null) =>
        Ssh.RunAsync(Bash(script), cancellation, timeout);

    // sshd hands the command to the login shell, which may be sh or dash: the scripts use bash's builtins.
    private static string Bash(string script) => "bash -c " + ShellQuote.Quote(script);
}
