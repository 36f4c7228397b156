using System.Runtime.CompilerServices;
using Platform.Core;

namespace Platform.Secrets;

/// <summary>
/// Opens the secrets backend an environment's <c>infra/&lt;env&gt;/platform.json</c> names in <c>secrets.backend</c>:
/// <c>local</c> (the default) or <c>vault</c>. Vault settings: <c>secrets.vault.mount</c> (default <c>secret</c>),
/// <c>secrets.vault.prefix</c> (<c>platform/&lt;env&gt;</c>), <c>secrets.vault.sshMount</c> (<c>ssh</c>),
/// <c>secrets.vault.sshRole</c> (<c>platform-deploy</c>). Address and credentials come from the <c>VAULT_*</c>
/// environment variables only, never from the settings file, so they are not committed.
/// </summary>
public static class SecretStoreFactory
{
    // One Vault client, and so one AppRole login, per run, whatever number of steps asks for the store;
    // its token is revoked when the run ends (EndRunAsync).
    private static readonly ConditionalWeakTable<RunContext, VaultClient> RunClients = new();

    /// <summary>The environment's store, registering every value it reads or writes with <c>run.Redactor</c>.</summary>
    public static ISecretStore Create(RunContext run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var settings = EnvironmentSettings.Load(run.Layout);
        if (settings.SecretsBackend != "vault")
        {
            return Create(run, System.Environment.GetEnvironmentVariable);
        }

        return new RedactingSecretStore(new VaultSecretStore(RunClient(run, settings), Setting(settings, "prefix", $"platform/{run.Environment}")), run.Redactor);
    }

    /// <summary>
    /// At the end of a run: revokes the token of the run's AppRole login (a token Vault would otherwise keep
    /// until its lease runs out). Never fails the run: a Vault that cannot be reached is said, and the token
    /// expires by itself.
    /// </summary>
    public static async Task EndRunAsync(RunContext run)
    {
        if (!RunClients.TryGetValue(run, out var client))
        {
            return;
        }

        RunClients.Remove(run);
        using (client)
        {
            try
            {
                using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                if (await client.RevokeLoginAsync(bounded.Token))
                {
                    run.Reporter.Verbose("Vault: this run's login token revoked.");
                }
            }
            catch (Exception ex) when (ex is PlatformException or OperationCanceledException)
            {
                run.Reporter.Warn($"Vault: this run's login token could not be revoked ({ex.Message}); it expires with its lease.");
            }
        }
    }

    /// <param name="run">The run; its layout locates the settings and the local secrets folder.</param>
    /// <param name="environment">Where <c>VAULT_*</c> variables are read (the process environment in <see cref="Create(RunContext)"/>).</param>
    public static ISecretStore Create(RunContext run, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(run);
        var settings = EnvironmentSettings.Load(run.Layout);
        ISecretStore store;
        if (settings.SecretsBackend == "vault")
        {
            var prefix = Setting(settings, "prefix", $"platform/{run.Environment}");
            store = new VaultSecretStore(CreateVaultClient(run, settings, environment), prefix, ownsClient: true);
        }
        else
        {
            store = new FileSecretStore(run.Layout.SecretsDir);
        }

        return new RedactingSecretStore(store, run.Redactor);
    }

    /// <summary>
    /// A Vault client configured from the environment's settings and <c>VAULT_*</c> variables (e.g. for SSH signing):
    /// the run's own (shared, not to be disposed by the caller) when <paramref name="environment"/> is the process's.
    /// </summary>
    public static VaultClient CreateVaultClient(RunContext run, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var settings = EnvironmentSettings.Load(run.Layout);
        return environment is null ? RunClient(run, settings) : CreateVaultClient(run, settings, environment);
    }

    private static VaultClient RunClient(RunContext run, EnvironmentSettings settings)
    {
        lock (RunClients)
        {
            if (!RunClients.TryGetValue(run, out var client))
            {
                client = CreateVaultClient(run, settings, System.Environment.GetEnvironmentVariable);
                RunClients.Add(run, client);
            }

            return client;
        }
    }

    private static VaultClient CreateVaultClient(RunContext run, EnvironmentSettings settings, Func<string, string?> environment)
    {
        var options = VaultOptions.FromEnvironment(environment) with
        {
            KvMount = Setting(settings, "mount", "secret"),
            SshMount = Setting(settings, "sshMount", "ssh"),
            SshRole = Setting(settings, "sshRole", "platform-deploy"),
        };
        return new VaultClient(options, run.Reporter, run.Redactor);
    }

    /// <summary>A <c>secrets.vault.*</c> path setting, checked here so the error names the file and the setting.</summary>
    private static string Setting(EnvironmentSettings settings, string name, string fallback)
    {
        var value = settings.Get($"secrets.vault.{name}");
        if (value is null)
        {
            return fallback;
        }

        return SecretKey.IsValid(value)
            ? value
            : throw new PlatformException(
                $"{settings.Source}: secrets.vault.{name} is '{value}'; expected a Vault path of letters, digits, '.', '_' and '-' segments joined by '/' (default '{fallback}').");
    }
}
