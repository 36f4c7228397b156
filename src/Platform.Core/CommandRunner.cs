using System.Text;
using CliWrap;
using CliWrap.EventStream;

namespace Platform.Core;

/// <summary>Options for one external command.</summary>
public sealed record CommandOptions
{
    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Print each output line as it arrives (long steps such as terraform apply).</summary>
    public bool Stream { get; init; }

    /// <summary>With <see cref="Stream"/>: the line as printed, or null to leave it out (advice that does not apply); the result keeps every line as it came.</summary>
    public Func<string, string?>? StreamedLine { get; init; }

    /// <summary>Text written to the command's standard input.</summary>
    public string? Input { get; init; }

    /// <summary>Return a failed result instead of throwing on a non-zero exit.</summary>
    public bool AllowFailure { get; init; }

    public TimeSpan? Timeout { get; init; }
}

public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// A command that exited non-zero; the message carries the last lines of its stderr, unless they
/// were streamed to the user already (<paramref name="shown"/>): the same errors twice bury the cause.
/// </summary>
public sealed class CommandFailedException(string command, int exitCode, string tail, bool shown = false)
    : PlatformException($"`{command}` exited with code {exitCode}" + (shown ? "; its output is above." : ".") + (tail.Length > 0 && !shown ? $"{System.Environment.NewLine}{tail}" : string.Empty))
{
    public string Command { get; } = command;

    public int ExitCode { get; } = exitCode;

    public string StandardErrorTail { get; } = tail;
}

/// <summary>Runs external programs through CliWrap, with redacted, optionally streamed output.</summary>
/// <param name="withheld">More variables no program inherits, beside <see cref="WithheldVariables"/>.</param>
public sealed class CommandRunner(IReporter reporter, SecretRedactor redactor, IEnumerable<string>? withheld = null)
{
    private const int TailLines = 25;

    /// <summary>
    /// Credentials this process logs in with that no program it runs inherits (Terraform's providers,
    /// a release's build and smoke tests): a program that needs one is given it in
    /// <see cref="CommandOptions.Environment"/>.
    /// </summary>
    public static readonly IReadOnlyList<string> WithheldVariables = ["VAULT_TOKEN", "VAULT_ROLE_ID", "VAULT_SECRET_ID"];

    private readonly IReadOnlyDictionary<string, string?> _withheld = WithheldVariables.Concat(withheld ?? []).Distinct(StringComparer.Ordinal).ToDictionary(v => v, string? (_) => null, StringComparer.Ordinal);

    /// <summary>The variables no program this runner starts inherits (each given back only where a command sets it).</summary>
    public IReadOnlyCollection<string> Withheld => [.. _withheld.Keys];

    private static string? Shown(string line, CommandOptions options) =>
        !options.Stream ? null : options.StreamedLine is { } edit ? edit(line) : line;

    public async Task<CommandResult> RunAsync(string program, IEnumerable<string> arguments, CommandOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new CommandOptions();
        var args = arguments.ToList();
        var display = redactor.Redact($"{Path.GetFileName(program)} {string.Join(' ', args)}".Trim());
        reporter.Verbose($"$ {display}");

        var command = Cli.Wrap(program)
            .WithArguments(args)
            .WithValidation(CommandResultValidation.None)
            .WithEnvironmentVariables(e => e.Set(_withheld).Set(options.Environment));
        if (options.WorkingDirectory is not null)
        {
            command = command.WithWorkingDirectory(options.WorkingDirectory);
        }

        if (options.Input is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromString(options.Input));
        }

        using var timeout = options.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        int exitCode;
        try
        {
            exitCode = -1;
            await foreach (var evt in command.ListenAsync(linked.Token))
            {
                switch (evt)
                {
                    case StandardOutputCommandEvent o:
                        stdout.AppendLine(o.Text);
                        if (Shown(o.Text, options) is { } line)
                        {
                            reporter.Info(line);
                        }

                        break;
                    case StandardErrorCommandEvent e:
                        stderr.AppendLine(e.Text);
                        if (Shown(e.Text, options) is { } warning)
                        {
                            reporter.Warn(warning);
                        }

                        break;
                    case ExitedCommandEvent x:
                        exitCode = x.ExitCode;
                        break;
                }
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new PlatformException($"Cannot run '{program}': {ex.Message}. Is it installed and on PATH?", ex);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            throw new PlatformException($"`{display}` did not finish within {options.Timeout!.Value.TotalSeconds:0} s and was stopped.");
        }

        var result = new CommandResult(exitCode, stdout.ToString(), stderr.ToString());
        if (!result.Succeeded && !options.AllowFailure)
        {
            throw new CommandFailedException(display, exitCode, redactor.Redact(Tail(result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput)), options.Stream);
        }

        return result;
    }

    /// <summary>The last lines of a command's output, the part that usually says what went wrong.</summary>
    public static string Tail(string text, int lines = TailLines)
    {
        var all = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        return string.Join(System.Environment.NewLine, all.Skip(Math.Max(0, all.Length - lines)));
    }
}
