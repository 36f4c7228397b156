using Platform.Core;
using Platform.Secrets;

namespace Platform.Provision;

/// <summary>
/// The StoreSecret target: puts a secret the environment's platform.json asks the user for (a
/// <c>terraformEnvironment</c> value <c>secret:KEY</c>, such as local-pg's state connection string)
/// into the environment's secrets store. The value is read from standard input, never from the
/// command line (shell history, <c>ps</c>), and is never printed. Only those keys: the others
/// (operators, passwords, CA keys) are Platform's own and have their targets.
/// </summary>
public sealed class StoreSecretStep(RunContext run, TextReader input, bool inputRedirected)
{
    public StoreSecretStep(RunContext run)
        : this(run, Console.In, Console.IsInputRedirected)
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

        if (!inputRedirected)
        {
            throw new PlatformException(
                $"StoreSecret reads the value from standard input, so that it stays out of the command line and the shell's history: printf '%s' \"$VALUE\" | ./build.sh --target=StoreSecret --environment={run.Environment} --secret={key}. Nothing was stored.");
        }

        // One value: a trailing line break is what echo or a file adds, not part of it.
        var value = (await input.ReadToEndAsync(run.Cancellation)).TrimEnd('\r', '\n');
        if (value.Length == 0)
        {
            throw new PlatformException($"--secret={key}: standard input was empty. Pipe the value in. Nothing was stored.");
        }

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

    private static string Named(IReadOnlyDictionary<string, string> asked) =>
        asked.Count == 0 ? "none" : string.Join(", ", asked.Select(p => $"{p.Value} for {p.Key}"));
}
