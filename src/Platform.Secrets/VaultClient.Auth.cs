using System.Text.Json.Nodes;

namespace Platform.Secrets;

/// <summary>
/// Token management: AppRole login, renewal of the token's lease, and the check before every request.
/// The token is renewed once two thirds of a renewable lease have gone; when renewal is refused (403: the
/// token expired or was revoked) or the lease has run out, the client logs in again with AppRole if it can.
/// A <c>VAULT_TOKEN</c>'s lease is unknown until the first <see cref="RenewSelfAsync"/>, so it is not renewed
/// automatically before that.
/// </summary>
public sealed partial class VaultClient
{
    private const string LoginPath = "auth/approle/login";
    private const string RenewSelfPath = "auth/token/renew-self";
    private const string RevokeSelfPath = "auth/token/revoke-self";

    // One login or renewal at a time: concurrent requests wait for it instead of all renewing.
    private readonly SemaphoreSlim _authGate = new(1, 1);
    private string? _token;

    /// <summary>The current token's lease, after a login or renewal; null before.</summary>
    public VaultLease? Lease { get; private set; }

    /// <summary>Logs in with AppRole (<c>POST /v1/auth/approle/login</c>) and uses the new token from then on.</summary>
    public async Task<VaultLease> LoginAsync(CancellationToken cancellation = default)
    {
        await _authGate.WaitAsync(cancellation);
        try
        {
            return await LoginCoreAsync(cancellation);
        }
        finally
        {
            _authGate.Release();
        }
    }

    /// <summary>
    /// Renews the token's lease (<c>POST /v1/auth/token/renew-self</c>, asking for <paramref name="increment"/> or
    /// <see cref="VaultOptions.RenewIncrement"/>); logs in again with AppRole when Vault refuses because the token is gone.
    /// </summary>
    public async Task<VaultLease> RenewSelfAsync(TimeSpan? increment = null, CancellationToken cancellation = default)
    {
        await _authGate.WaitAsync(cancellation);
        try
        {
            if (_token is null)
            {
                return await LoginCoreAsync(cancellation);
            }

            return await RenewOrLoginAsync(increment ?? Options.RenewIncrement, cancellation);
        }
        finally
        {
            _authGate.Release();
        }
    }

    /// <summary>
    /// Revokes the token this client got by logging in with AppRole (<c>POST /v1/auth/token/revoke-self</c>), so that
    /// it does not outlive the run; a <c>VAULT_TOKEN</c> it was given is the operator's, and is left alone.
    /// </summary>
    /// <returns>True when a token was revoked.</returns>
    public async Task<bool> RevokeLoginAsync(CancellationToken cancellation = default)
    {
        await _authGate.WaitAsync(cancellation);
        try
        {
            if (_token is null || _token == Options.Token)
            {
                return false;
            }

            await SendAsync(HttpMethod.Post, RevokeSelfPath, body: null, _token, cancellation);
            _token = null;
            Lease = null;
            return true;
        }
        finally
        {
            _authGate.Release();
        }
    }

    /// <summary>The token to send now: logs in first if there is none yet or it has expired, renews it when due.</summary>
    private async Task<string> GetTokenAsync(CancellationToken cancellation)
    {
        await _authGate.WaitAsync(cancellation);
        try
        {
            var now = _time.GetUtcNow();
            if (_token is null || (Lease?.IsExpired(now) == true && Options.HasAppRole))
            {
                await LoginCoreAsync(cancellation);
            }
            else if (Lease?.IsDueForRenewal(now) == true)
            {
                await RenewOrLoginAsync(Options.RenewIncrement, cancellation);
            }

            return _token!;
        }
        finally
        {
            _authGate.Release();
        }
    }

    /// <summary>
    /// A <c>VAULT_TOKEN</c>'s lease is unknown, so its expiry shows only as a 403: log in with AppRole instead
    /// (unless a concurrent request already did) and return the token to use. AppRole tokens are not replaced
    /// here: their lease is known, so a 403 for them is a policy denial that another login would not cure.
    /// </summary>
    private async Task<string> ReplaceRefusedTokenAsync(string refused, CancellationToken cancellation)
    {
        await _authGate.WaitAsync(cancellation);
        try
        {
            if (_token == refused)
            {
                _reporter.Info($"Vault refused {VaultOptions.TokenVariable} (expired, revoked or without the policy); logging in with AppRole.");
                await LoginCoreAsync(cancellation);
            }

            return _token!;
        }
        finally
        {
            _authGate.Release();
        }
    }

    private async Task<VaultLease> RenewOrLoginAsync(TimeSpan? increment, CancellationToken cancellation)
    {
        var body = increment is { } i ? new JsonObject { ["increment"] = VaultDuration.Format(i) } : [];
        try
        {
            return AcceptAuth(await SendAsync(HttpMethod.Post, RenewSelfPath, body, _token, cancellation), RenewSelfPath);
        }
        catch (VaultPermissionDeniedException) when (Options.HasAppRole)
        {
            _reporter.Info("Vault refused to renew the token (expired or revoked); logging in again with AppRole.");
            return await LoginCoreAsync(cancellation);
        }
        catch (VaultPermissionDeniedException ex)
        {
            throw new VaultPermissionDeniedException(
                $"{ex.Message} The token cannot be renewed: it has expired or been revoked. Set a fresh {VaultOptions.TokenVariable}, " +
                $"or {VaultOptions.RoleIdVariable} and {VaultOptions.SecretIdVariable} so Platform can log in by itself.",
                ex.Method, ex.Path, ex.Errors);
        }
    }

    private async Task<VaultLease> LoginCoreAsync(CancellationToken cancellation)
    {
        if (!Options.HasAppRole)
        {
            throw new Core.PlatformException(
                $"Cannot log in to Vault at {Address}: set {VaultOptions.RoleIdVariable} and {VaultOptions.SecretIdVariable} (AppRole), or {VaultOptions.TokenVariable}.");
        }

        var body = new JsonObject { ["role_id"] = Options.RoleId, ["secret_id"] = Options.SecretId };
        var lease = AcceptAuth(await SendAsync(HttpMethod.Post, LoginPath, body, token: null, cancellation), LoginPath);
        _reporter.Verbose($"Logged in to Vault with AppRole; lease {lease.Duration.TotalSeconds:0} s{(lease.Renewable ? ", renewable" : string.Empty)}.");
        return lease;
    }

    /// <summary>Takes the token and lease from a login or renewal answer (<c>auth.client_token</c>, <c>auth.lease_duration</c>, <c>auth.renewable</c>).</summary>
    private VaultLease AcceptAuth(JsonNode? reply, string path)
    {
        var auth = reply?["auth"];
        var display = "/v1/" + path;
        // renew-self answers with the same token; keep ours if it leaves it out.
        var token = auth?["client_token"] is { } given ? Require<string>(given, "auth.client_token", "POST", display) : _token;
        if (string.IsNullOrEmpty(token))
        {
            throw Unexpected("auth.client_token", "POST", display);
        }

        _redactor.Register(token);
        _token = token;
        var seconds = Require<long>(auth?["lease_duration"], "auth.lease_duration", "POST", display);
        var renewable = auth?["renewable"] is { } flag && Require<bool>(flag, "auth.renewable", "POST", display);
        Lease = new VaultLease(TimeSpan.FromSeconds(seconds), renewable, _time.GetUtcNow());
        return Lease;
    }
}
