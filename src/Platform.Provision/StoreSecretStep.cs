using Platform.Core;
using Platform.Secrets;

namespace Platform.Provision;

/// <summary>
/// The StoreSecret target: puts a secret the environment's platform.json asks the user for (a
/// <c>terraformEnvironment</c> value <c>secret:KEY</c>, such as local-pg's state connection string)
/// into the environment's secrets store. The value is piped in, or typed unseen (twice) at a
/// terminal: never on the command line (shell history, <c>ps</c>), never printed. Only those keys:
/// the others (operators, passwords, CA keys) are Platform's own and have their targets.
/// </summary>
/// <param name="terminal">Null when standard input is piped in: the value is then all of it.</param>
public sealed class StoreSecretStep(RunContext run, TextReader input, HiddenLineReader? terminal)
{
    public StoreSecretStep(RunContext run)
        : this(run, Console.In, Console.IsInputRedirected ? null : HiddenLineReader.FromConsole())
    {
    }

    public async Task RunAsync()
    {
        var settings = EnvironmentSettings.Load(run.Layout);
        var asked = settings.UserSecrets;
        var key = run.Arguments.Require("secret", $"the key to store, one of those {settings.Source} names ({Named(asked)})");
        if (!asked.Values.Contains(key, StringComparer.Ordinal))
        {
            throw new PlatformException(asked.Count == 0
                ? $"--secret={key}: the environment '{run.Environment}' asks for no secret ({settings.Source} names none as secret:KEY in terraformEnvironment). Nothing was stored."
                : $"--secret={key} is not a secret {settings.Source} asks for: {Named(asked)}. Operators, passwords and CA keys are Platform's own (Onboard, Rotate, Apply). Nothing was stored.");
        }

        var value = await ReadValueAsync(key);
        run.Redactor.Register(value);
        var store = SecretStoreFactory.Create(run);
        var current = await store.GetAsync(key, run.Cancellation);
        var change = current is null ? "new" : current == value ? null : "changed";
        if (change is null)
        {
            run.Reporter.Info($"{key}: ok (the {store.Backend} secrets store holds this value already)");
            return;
        }

        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would store {key} in the {store.Backend} secrets store ({change})");
            return;
        }

        await store.SetAsync(key, value, run.Cancellation);
        run.Reporter.Info($"{key}: stored in the {store.Backend} secrets store ({change}{(current is null ? string.Empty : "; the previous value is kept as an earlier version")})");
    }

    private async Task<string> ReadValueAsync(string key)
    {
        if (terminal is null)
        {
            // One value: a trailing line break is what echo or a file adds, not part of it.
            var piped = (await input.ReadToEndAsync(run.Cancellation)).TrimEnd('\r', '\n');
            return piped.Length > 0
                ? piped
                : throw new PlatformException($"--secret={key}: standard input was empty. Pipe the value in (printf '%s' \"$VALUE\" | ./build.sh --target=StoreSecret --environment={run.Environment} --secret={key}), or run it at a terminal to type it unseen. Nothing was stored.");
        }

        // Typed twice: a typo in a value nobody sees would otherwise be stored and only show as a failed login.
        var typed = await terminal.ReadAsync($"Value for {key} (not shown; Escape gives up): ", run.Cancellation);
        if (string.IsNullOrEmpty(typed))
        {
            throw new PlatformException($"--secret={key}: {(typed is null ? "given up (Escape)" : "nothing was typed")}. Nothing was stored.");
        }

        run.Redactor.Register(typed);
        var again = await terminal.ReadAsync("The same value again, to confirm: ", run.Cancellation);
        return again == typed
            ? typed
            : throw new PlatformException($"--secret={key}: the two values typed differ. Nothing was stored; run it again.");
    }

    private static string Named(IReadOnlyDictionary<string, string> asked) =>
        asked.Count == 0 ? "none" : string.Join(", ", asked.Select(p => $"{p.Value} for {p.Key}"));
}
