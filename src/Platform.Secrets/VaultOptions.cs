using System.Text;
using Platform.Core;

namespace Platform.Secrets;

/// <summary>
/// How to reach and authenticate to Vault. Build it from the standard Vault variables with
/// <see cref="FromEnvironment(Func{string, string?})"/>, then adjust mounts with <c>with { … }</c>.
/// Authentication: <see cref="Token"/>, or AppRole (<see cref="RoleId"/> + <see cref="SecretId"/>);
/// with both, the token is used first and AppRole logs in again once it has expired.
/// </summary>
public sealed record VaultOptions
{
    public const string AddressVariable = "VAULT_ADDR";
    public const string TokenVariable = "VAULT_TOKEN";
    public const string RoleIdVariable = "VAULT_ROLE_ID";
    public const string SecretIdVariable = "VAULT_SECRET_ID";
    public const string NamespaceVariable = "VAULT_NAMESPACE";
    public const string CaCertVariable = "VAULT_CACERT";
    public const string SkipVerifyVariable = "VAULT_SKIP_VERIFY";

    /// <summary>Vault's base address, e.g. <c>https://vault.example:8200</c> (<c>VAULT_ADDR</c>).</summary>
    public required Uri Address { get; init; }

    /// <summary><c>VAULT_TOKEN</c>.</summary>
    public string? Token { get; init; }

    /// <summary><c>VAULT_ROLE_ID</c>, for AppRole login.</summary>
    public string? RoleId { get; init; }

    /// <summary><c>VAULT_SECRET_ID</c>, for AppRole login.</summary>
    public string? SecretId { get; init; }

    /// <summary>Vault Enterprise namespace, sent as <c>X-Vault-Namespace</c> on every request (<c>VAULT_NAMESPACE</c>).</summary>
    public string? Namespace { get; init; }

    /// <summary>PEM file of the CA(s) that signed Vault's certificate (<c>VAULT_CACERT</c>); only these are trusted.</summary>
    public string? CaCertFile { get; init; }

    /// <summary>Skips TLS certificate checks (<c>VAULT_SKIP_VERIFY</c>): test servers only; a warning is printed.</summary>
    public bool SkipVerify { get; init; }

    /// <summary>Where the KV version 2 engine is mounted.</summary>
    public string KvMount { get; init; } = "secret";

    /// <summary>Where the SSH secrets engine is mounted.</summary>
    public string SshMount { get; init; } = "ssh";

    /// <summary>The SSH role that signs Platform's short-lived certificates.</summary>
    public string SshRole { get; init; } = "platform-deploy";

    /// <summary>Time allowed for one HTTP request (each retry gets its own).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Lease increment asked for when renewing the token; null lets Vault use the token's default TTL.</summary>
    public TimeSpan? RenewIncrement { get; init; }

    /// <summary>List with <c>GET …?list=true</c> instead of the <c>LIST</c> method, for proxies that drop unknown methods.</summary>
    public bool ListWithGet { get; init; }

    public VaultRetryPolicy Retry { get; init; } = new();

    public bool HasAppRole => !string.IsNullOrEmpty(RoleId) && !string.IsNullOrEmpty(SecretId);

    public static VaultOptions FromEnvironment(IReadOnlyDictionary<string, string> environment) =>
        FromEnvironment(name => environment.TryGetValue(name, out var value) ? value : null);

    /// <summary>Reads the <c>VAULT_*</c> variables; fails naming every missing one at once.</summary>
    public static VaultOptions FromEnvironment(Func<string, string?> environment)
    {
        string? Read(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;

        var address = Read(AddressVariable);
        var token = Read(TokenVariable);
        var roleId = Read(RoleIdVariable);
        var secretId = Read(SecretIdVariable);

        var missing = new List<string>();
        if (address is null)
        {
            missing.Add(AddressVariable);
        }

        if (token is null && (roleId is null || secretId is null))
        {
            // Half an AppRole pair names the other half; nothing at all names both ways to log in.
            missing.Add(roleId is null && secretId is null
                ? $"{TokenVariable} (or {RoleIdVariable} and {SecretIdVariable} for AppRole)"
                : roleId is null ? RoleIdVariable : SecretIdVariable);
        }

        if (missing.Count > 0)
        {
            throw new PlatformException(
                $"The vault secrets backend needs the environment variable(s) {string.Join(", ", missing)}. " +
                $"Set them (e.g. export {AddressVariable}=https://vault.example:8200) and run again, or use \"backend\": \"local\" in the environment's platform.json.");
        }

        return new VaultOptions
        {
            Address = ParseAddress(address!, AddressVariable),
            Token = token,
            RoleId = roleId,
            SecretId = secretId,
            Namespace = Read(NamespaceVariable),
            CaCertFile = Read(CaCertVariable),
            SkipVerify = ParseBool(Read(SkipVerifyVariable), SkipVerifyVariable),
        };
    }

    /// <summary>Fails on settings the client cannot work with.</summary>
    internal void Validate()
    {
        ParseAddress(Address.OriginalString, nameof(Address));
        if (string.IsNullOrEmpty(Token) && !HasAppRole)
        {
            throw new PlatformException($"Vault needs a token ({TokenVariable}) or AppRole credentials ({RoleIdVariable} and {SecretIdVariable}).");
        }

        foreach (var (name, mount) in new[] { (nameof(KvMount), KvMount), (nameof(SshMount), SshMount), (nameof(SshRole), SshRole) })
        {
            if (!SecretKey.IsValid(mount))
            {
                throw new PlatformException($"Vault {name} '{mount}' is not valid: use path segments of letters, digits, '.', '_' and '-'.");
            }
        }

        if (RequestTimeout <= TimeSpan.Zero || Retry.MaxAttempts < 1)
        {
            throw new PlatformException("Vault RequestTimeout must be positive and Retry.MaxAttempts at least 1.");
        }
    }

    /// <summary>Keeps credentials out of logs: the compiler-generated ToString would print them.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Address = {Address}, Auth = {(Token is null ? string.Empty : "token ")}{(HasAppRole ? "approle" : string.Empty)}".TrimEnd());
        builder.Append($", Namespace = {Namespace}, KvMount = {KvMount}, SshMount = {SshMount}, SshRole = {SshRole}, CaCertFile = {CaCertFile}, SkipVerify = {SkipVerify}");
        return true;
    }

    private static Uri ParseAddress(string value, string name)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw new PlatformException($"{name}={value} is not a valid Vault address: expected http(s)://host:port, e.g. https://vault.example:8200.");
        }

        // Vault takes no credentials in its address, and every message naming the address would show them: refused
        // without repeating the value.
        if (uri.UserInfo.Length > 0)
        {
            throw new PlatformException($"{name} holds a user name or password (user:password@host): Vault takes none there, and messages would show them. Give the address alone (https://host:port) and the login in VAULT_TOKEN or VAULT_ROLE_ID/VAULT_SECRET_ID.");
        }

        // Every request carries the token (and a login the secret ID): in clear only where nothing but this machine can see it.
        if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            throw new PlatformException($"{name}={value} sends Vault tokens in clear across the network: use https:// (a dev server on this machine may use http://127.0.0.1).");
        }

        return uri;
    }

    // Go's strconv.ParseBool, which the Vault CLI uses for VAULT_SKIP_VERIFY.
    private static bool ParseBool(string? value, string name) => value switch
    {
        null => false,
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new PlatformException($"{name}={value} is not valid: expected true or false."),
    };
}
