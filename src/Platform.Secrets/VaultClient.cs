using System.Net;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Core;

namespace Platform.Secrets;

/// <summary>
/// A small client for Vault's HTTP API (https://developer.hashicorp.com/vault/api-docs): token or AppRole
/// auth with automatic renewal, KV version 2, and SSH certificate signing. This file holds construction and
/// the transport (headers, per-request timeout, bounded retries, error mapping); the operations live in the
/// other <c>VaultClient.*.cs</c> files.
/// </summary>
public sealed partial class VaultClient : IDisposable
{
    private static readonly HttpMethod ListMethod = new("LIST");

    private readonly HttpClient _http;
    private readonly IReporter _reporter;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;

    /// <param name="options">Address, credentials, mounts, TLS, timeouts and retries.</param>
    /// <param name="reporter">Verbose request lines, retry and TLS warnings; the console when null.</param>
    /// <param name="redactor">Receives the token, the secret id and every KV value read or written; messages pass through it.</param>
    /// <param name="time">Clock for lease renewal (tests).</param>
    public VaultClient(VaultOptions options, IReporter? reporter = null, SecretRedactor? redactor = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _reporter = reporter ?? new ConsoleReporter();
        _redactor = redactor ?? new SecretRedactor();
        _time = time ?? TimeProvider.System;
        _redactor.Register(options.Token);
        _redactor.Register(options.SecretId);
        _token = options.Token is { Length: > 0 } token ? token : null;
        _http = new HttpClient(VaultTls.CreateHandler(options, _reporter), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public VaultOptions Options { get; }

    public Uri Address => Options.Address;

    /// <summary>Builds a client from <c>VAULT_ADDR</c>, <c>VAULT_TOKEN</c> or <c>VAULT_ROLE_ID</c>/<c>VAULT_SECRET_ID</c>, <c>VAULT_NAMESPACE</c>, <c>VAULT_CACERT</c>, <c>VAULT_SKIP_VERIFY</c>.</summary>
    public static VaultClient FromEnvironment(Func<string, string?> environment, IReporter? reporter = null, SecretRedactor? redactor = null) =>
        new(VaultOptions.FromEnvironment(environment), reporter, redactor);

    public void Dispose()
    {
        _http.Dispose();
        _authGate.Dispose();
    }

    /// <summary>Escapes each segment of a path but keeps its slashes (and a trailing one, which LIST needs).</summary>
    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    /// <summary>
    /// A request made with the client's token, logging in or renewing first when due. A refused
    /// <c>VAULT_TOKEN</c> is replaced by an AppRole login once, and the request sent again.
    /// </summary>
    private async Task<JsonNode?> SendWithTokenAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellation, string query = "")
    {
        var token = await GetTokenAsync(cancellation);
        try
        {
            return await SendAsync(method, path, body, token, cancellation, query);
        }
        catch (VaultPermissionDeniedException) when (Options.HasAppRole && token == Options.Token)
        {
            return await SendAsync(method, path, body, await ReplaceRefusedTokenAsync(token, cancellation), cancellation, query);
        }
    }

    /// <summary>
    /// Sends one API request (<paramref name="path"/> is relative to <c>/v1/</c>) with bounded retries and
    /// returns the parsed body (null for 204). Failures become <see cref="VaultException"/>s.
    /// </summary>
    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, string? token, CancellationToken cancellation, string query = "")
    {
        var display = "/v1/" + path;
        var retry = Options.Retry;
        for (var attempt = 1; ; attempt++)
        {
            _reporter.Verbose($"Vault {method} {display}{(attempt > 1 ? $" (attempt {attempt} of {retry.MaxAttempts})" : string.Empty)}");
            string failure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
            using (var request = BuildRequest(method, path + query, body, token))
            {
                timeout.CancelAfter(Options.RequestTimeout);
                try
                {
                    using var response = await _http.SendAsync(request, timeout.Token);
                    var text = await response.Content.ReadAsStringAsync(timeout.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        var reply = ParseBody(text, method, display);
                        ReportWarnings(reply, method, display);
                        return reply;
                    }

                    var errors = VaultErrors.Parse(text);
                    if (!VaultRetryPolicy.IsRetryable(response.StatusCode) || attempt >= retry.MaxAttempts)
                    {
                        throw VaultErrors.ToException(response.StatusCode, method.Method, display, Address, text, errors, _redactor);
                    }

                    failure = $"{(int)response.StatusCode} {response.StatusCode} ({string.Join("; ", errors)})";
                }
                catch (OperationCanceledException ex) when (!cancellation.IsCancellationRequested)
                {
                    if (attempt >= retry.MaxAttempts)
                    {
                        throw Unavailable(method, display, ex,
                            $"Vault at {Address} did not answer {method} {display} within {Options.RequestTimeout.TotalSeconds:0.###} s ({attempt} attempt(s))");
                    }

                    failure = $"no answer within {Options.RequestTimeout.TotalSeconds:0.###} s";
                }
                catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
                {
                    // A certificate problem does not go away by retrying.
                    throw new VaultUnavailableException(_redactor.Redact(
                        $"TLS with Vault at {Address} failed on {method} {display}: the server's certificate was not accepted ({ex.InnerException.Message}). " +
                        $"Set {VaultOptions.CaCertVariable} to the PEM file of the CA that signed it, and check that the certificate is valid for the host in " +
                        $"{VaultOptions.AddressVariable} ({VaultOptions.SkipVerifyVariable}=true skips the check: test servers only)."),
                        method.Method, display, ex);
                }
                catch (HttpRequestException ex)
                {
                    if (attempt >= retry.MaxAttempts)
                    {
                        throw Unavailable(method, display, ex, $"Cannot reach Vault at {Address} for {method} {display} ({attempt} attempt(s)): {ex.Message}");
                    }

                    failure = ex.Message;
                }
            }

            var wait = retry.DelayAfter(attempt);
            _reporter.Warn(_redactor.Redact(
                $"Vault {method} {display}: {failure}; retrying in {wait.TotalMilliseconds:0} ms (attempt {attempt + 1} of {retry.MaxAttempts})."));
            await retry.Delay(wait, cancellation);
        }
    }

    // Vault says there what it did other than asked (a TTL capped by max_ttl, an ignored parameter).
    private void ReportWarnings(JsonNode? reply, HttpMethod method, string display)
    {
        if (reply is JsonObject body && body["warnings"] is JsonArray warnings && VaultErrors.Lines(warnings) is { Count: > 0 } lines)
        {
            // A warning may quote the answer it came with: its secrets (a KV read's values, a login's token) are known
            // before it is said, not only once the caller has taken them.
            foreach (var secret in new[] { body["auth"]?["client_token"] }.Concat((body["data"]?["data"] as JsonObject)?.Select(f => f.Value) ?? []))
            {
                if (secret is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                {
                    _redactor.Register(value.GetValue<string>());
                }
            }

            _reporter.Warn(_redactor.Redact($"Vault warned on {method} {display}: {string.Join("; ", lines)}"));
        }
    }

    private VaultUnavailableException Unavailable(HttpMethod method, string display, Exception inner, string what) =>
        new(_redactor.Redact($"{what}; check {VaultOptions.AddressVariable} and that Vault is up and reachable from this machine."), method.Method, display, inner);

    private HttpRequestMessage BuildRequest(HttpMethod method, string pathAndQuery, JsonObject? body, string? token)
    {
        // Appended rather than resolved, so an address with a path prefix (behind a proxy) keeps it.
        var request = new HttpRequestMessage(method, new Uri(Address.AbsoluteUri.TrimEnd('/') + "/v1/" + pathAndQuery));
        // Vault requires this header on some endpoints as protection against request forgery; the CLI always sends it.
        request.Headers.Add("X-Vault-Request", "true");
        if (token is not null)
        {
            request.Headers.Add("X-Vault-Token", token);
        }

        if (Options.Namespace is { Length: > 0 } ns)
        {
            request.Headers.Add("X-Vault-Namespace", ns);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static JsonNode? ParseBody(string text, HttpMethod method, string display)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw new VaultException(
                $"Vault answered {method} {display} with something that is not JSON; is {VaultOptions.AddressVariable} the address of Vault itself (not a proxy or web page)?",
                method.Method, display, HttpStatusCode.OK, []);
        }
    }

    /// <summary>A field Vault's documented response must have; its absence means a different API or version.</summary>
    private static T Require<T>(JsonNode? node, string field, string method, string display)
    {
        try
        {
            if (node is not null && node.GetValue<T>() is { } value)
            {
                return value;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // Wrong JSON type: reported below like a missing field.
        }

        throw Unexpected(field, method, display);
    }

    private static VaultException Unexpected(string field, string method, string display) =>
        new($"Vault's answer to {method} {display} has no valid '{field}'; is this a Vault version with the documented API (and the right kind of mount)?",
            method, display, HttpStatusCode.OK, []);
}
