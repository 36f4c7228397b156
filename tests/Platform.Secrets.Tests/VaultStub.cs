using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Secrets.Tests;

/// <summary>One request as the stub received it.</summary>
internal sealed record StubRequest(string Method, string Path, string Query, string? Token, string? Namespace, string Body);

/// <summary>
/// An in-process stand-in for Vault on 127.0.0.1 (random port), reproducing the documented request and
/// response shapes of the endpoints Platform uses: AppRole login, token renew-self and revoke-self, KV v2 data/metadata,
/// SSH signing, and Vault's <c>{"errors":[…]}</c> bodies. Tests inject faults (status + body for the next N
/// requests) and slow answers, and inspect every request received.
/// It is a model of the documentation, not of Vault: policies, leases and storage are deliberately simple.
/// </summary>
internal sealed class VaultStub : IAsyncDisposable
{
    public const string RootToken = "hvs.StubRootToken0123456789abcdefXYZ";
    public const string RoleId = "stub-role-id-4f1c2a7b";
    public const string SecretId = "stub-secret-id-9d8e7f6a5b4c";
    public const string SshMount = "ssh";
    public const string PermissionDenied = "1 error occurred:\n\t* permission denied\n\n";

    /// <summary>The SSH CA key <c>config/ca</c> answers with (no comment, as Vault returns it).</summary>
    public static readonly string SshCaPublicKey = TestKeys.Ed25519PublicKey(comment: string.Empty).TrimEnd();

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(int Status, string Body)> _faults = new();
    private readonly ConcurrentQueue<StubRequest> _requests = new();
    private readonly ConcurrentQueue<string> _issuedTokens = new();
    private readonly Dictionary<string, List<StubVersion>> _kv = new(StringComparer.Ordinal);
    private readonly Lock _kvGate = new();

    private VaultStub(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        _tokens[RootToken] = 0;
    }

    public Uri Address { get; }

    public IReadOnlyList<StubRequest> Requests => _requests.ToArray();

    /// <summary>Every token handed out by AppRole login, oldest first.</summary>
    public IReadOnlyList<string> IssuedTokens => _issuedTokens.ToArray();

    /// <summary>Lease (seconds) of tokens from AppRole login.</summary>
    public int LoginLeaseSeconds { get; set; } = 60;

    /// <summary>Lease (seconds) granted by renew-self when no increment is asked for.</summary>
    public int DefaultRenewSeconds { get; set; } = 60;

    /// <summary>How long every answer is held back (to make requests time out).</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Where KV v2 engines are mounted; any other mount answers like Vault with no engine there.</summary>
    public ConcurrentDictionary<string, byte> KvMounts { get; } = new(StringComparer.Ordinal) { ["secret"] = 0 };

    /// <summary>The KV mount's <c>cas_required</c>: every write must carry <c>options.cas</c>.</summary>
    public bool CasRequired { get; set; }

    /// <summary>Paths (e.g. <c>/v1/secret/data/x</c>) whose policy denies the token.</summary>
    public ConcurrentDictionary<string, byte> DeniedPaths { get; } = new(StringComparer.Ordinal);

    public static async Task<VaultStub> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        VaultStub? stub = null;
        app.Use((context, next) => stub!.FrontDoorAsync(context, next));
        app.MapPost("/v1/auth/approle/login", (HttpContext c) => stub!.Login(c));
        app.MapPost("/v1/auth/token/renew-self", (HttpContext c) => stub!.RenewSelf(c));
        app.MapPost("/v1/auth/token/revoke-self", (HttpContext c) => stub!.RevokeSelf(c));
        app.MapGet("/v1/{mount}/data/{**path}", (HttpContext c, string mount, string? path) => stub!.Kv(c, mount, () => stub.ReadKv(c, mount, path ?? string.Empty)));
        app.MapPost("/v1/{mount}/data/{**path}", (HttpContext c, string mount, string? path) => stub!.Kv(c, mount, () => stub.WriteKv(c, mount, path ?? string.Empty)));
        app.MapDelete("/v1/{mount}/data/{**path}", (HttpContext c, string mount, string? path) => stub!.Kv(c, mount, () => stub.DeleteLatest(mount, path ?? string.Empty)));
        app.MapMethods("/v1/{mount}/metadata/{**path}", ["LIST", "GET"], (HttpContext c, string mount, string? path) => stub!.Kv(c, mount, () => stub.ListKv(c, mount, path ?? string.Empty)));
        app.MapDelete("/v1/{mount}/metadata/{**path}", (HttpContext c, string mount, string? path) => stub!.Kv(c, mount, () => stub.DeleteAll(mount, path ?? string.Empty)));
        app.MapPost("/v1/{mount}/sign/{role}", (HttpContext c, string mount, string role) => stub!.SignSsh(c, mount, role));
        app.MapGet("/v1/{mount}/config/ca", (string mount) => stub!.ReadSshCa(mount));
        app.MapFallback(() => Error(404));
        await app.StartAsync();

        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        stub = new VaultStub(app, new Uri(bound));
        return stub;
    }

    /// <summary>The next <paramref name="count"/> requests get this status and body instead of an answer.</summary>
    public void InjectFaults(int count, int status, string body)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue((status, body));
        }
    }

    /// <summary>Every token stops working, as after expiry or revocation (the root token too).</summary>
    public void RevokeAllTokens() => _tokens.Clear();

    public int Hits(string method, string path) => _requests.Count(r => r.Method == method && r.Path == path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IResult Json(JsonNode body, int status = 200) =>
        Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    private static IResult Error(int status, params string[] errors) =>
        Json(new JsonObject { ["errors"] = new JsonArray(errors.Select(e => (JsonNode?)e).ToArray()) }, status);

    /// <summary>Vault's generic envelope around <c>data</c> or <c>auth</c>.</summary>
    private static JsonObject Envelope(JsonNode? data = null, JsonNode? auth = null) => new()
    {
        ["request_id"] = Guid.NewGuid().ToString(),
        ["lease_id"] = string.Empty,
        ["renewable"] = false,
        ["lease_duration"] = 0,
        ["data"] = data,
        ["wrap_info"] = null,
        ["warnings"] = null,
        ["auth"] = auth,
    };

    /// <summary>Vault's answer for a path no engine is mounted at: 404 with an error, unlike an absent secret's bare 404.</summary>
    private static IResult NoHandler(string route) => Error(404, $"no handler for route \"{route}\". route entry not found.");

    private IResult Kv(HttpContext context, string mount, Func<IResult> handler) =>
        KvMounts.ContainsKey(mount) ? handler() : NoHandler(context.Request.Path.Value!["/v1/".Length..]);

    private static string NewToken() =>
        "hvs." + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'a').Replace('/', 'b');

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    private static JsonNode? Body(HttpContext context) =>
        context.Items["body"] is string { Length: > 0 } text ? JsonNode.Parse(text) : null;

    /// <summary>Records the request, then applies delay, injected faults, the token check and path policies.</summary>
    private async Task FrontDoorAsync(HttpContext context, RequestDelegate next)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        context.Items["body"] = body;
        var token = context.Request.Headers["X-Vault-Token"].FirstOrDefault();
        var path = context.Request.Path.Value ?? string.Empty;
        _requests.Enqueue(new StubRequest(
            context.Request.Method, path, context.Request.QueryString.Value ?? string.Empty, token,
            context.Request.Headers["X-Vault-Namespace"].FirstOrDefault(), body));

        if (ResponseDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(ResponseDelay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // The client gave up.
            }
        }

        if (_faults.TryDequeue(out var fault))
        {
            context.Response.StatusCode = fault.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(fault.Body);
            return;
        }

        // Like Vault: everything but login needs a valid token; a bad or missing one is a plain 403.
        if (path != "/v1/auth/approle/login" && (token is null || !_tokens.ContainsKey(token)))
        {
            await Error(403, "permission denied").ExecuteAsync(context);
            return;
        }

        if (DeniedPaths.ContainsKey(path))
        {
            await Error(403, PermissionDenied).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private IResult Login(HttpContext context)
    {
        var body = Body(context);
        if (body?["role_id"]?.GetValue<string>() != RoleId || body["secret_id"]?.GetValue<string>() != SecretId)
        {
            return Error(400, "invalid role or secret ID");
        }

        var token = NewToken();
        _tokens[token] = 0;
        _issuedTokens.Enqueue(token);
        return Json(Envelope(auth: new JsonObject
        {
            ["client_token"] = token,
            ["accessor"] = "stub-accessor-" + Guid.NewGuid().ToString("N")[..8],
            ["policies"] = new JsonArray("default", "platform"),
            ["token_policies"] = new JsonArray("default", "platform"),
            ["metadata"] = new JsonObject { ["role_name"] = "platform" },
            ["lease_duration"] = LoginLeaseSeconds,
            ["renewable"] = true,
            ["entity_id"] = Guid.NewGuid().ToString(),
            ["token_type"] = "service",
            ["orphan"] = true,
        }));
    }

    private IResult RenewSelf(HttpContext context)
    {
        var increment = Body(context)?["increment"]?.GetValue<string>();
        var seconds = increment is null ? DefaultRenewSeconds : ParseDuration(increment);
        return Json(Envelope(auth: new JsonObject
        {
            ["client_token"] = context.Request.Headers["X-Vault-Token"].ToString(),
            ["policies"] = new JsonArray("default", "platform"),
            ["metadata"] = new JsonObject(),
            ["lease_duration"] = seconds,
            ["renewable"] = true,
        }));
    }

    // Vault answers 204 and the token is gone at once.
    private IResult RevokeSelf(HttpContext context)
    {
        _tokens.TryRemove(context.Request.Headers["X-Vault-Token"].ToString(), out _);
        return Results.NoContent();
    }

    private IResult ReadKv(HttpContext context, string mount, string path)
    {
        lock (_kvGate)
        {
            if (!_kv.TryGetValue($"{mount}/{path}", out var versions) || versions.Count == 0)
            {
                return Error(404);
            }

            var wanted = context.Request.Query["version"].FirstOrDefault() is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : versions.Count;
            if (wanted < 1 || wanted > versions.Count)
            {
                return Error(404);
            }

            var version = versions[wanted - 1];
            // A deleted version answers 404 with its metadata and null data, as Vault does.
            var answer = Envelope(new JsonObject { ["data"] = version.Deleted ? null : version.Data.DeepClone(), ["metadata"] = version.Metadata(wanted) });
            return Json(answer, version.Deleted ? 404 : 200);
        }
    }

    private IResult WriteKv(HttpContext context, string mount, string path)
    {
        if (Body(context)?["data"] is not JsonObject data)
        {
            return Error(400, "no data provided");
        }

        var cas = Body(context)?["options"]?["cas"]?.GetValue<int>();
        lock (_kvGate)
        {
            var key = $"{mount}/{path}";
            if (!_kv.TryGetValue(key, out var versions))
            {
                _kv[key] = versions = [];
            }

            // Check-and-set compares with the current version, deleted or not (0 when the key does not exist).
            if (cas is null && CasRequired)
            {
                return Error(400, "check-and-set parameter required for this call");
            }

            if (cas is { } expected && expected != versions.Count)
            {
                return Error(400, "check-and-set parameter did not match the current version");
            }

            versions.Add(new StubVersion((JsonObject)data.DeepClone(), Now()));
            return Json(Envelope(versions[^1].Metadata(versions.Count)));
        }
    }

    private IResult DeleteLatest(string mount, string path)
    {
        lock (_kvGate)
        {
            if (_kv.TryGetValue($"{mount}/{path}", out var versions) && versions.Count > 0)
            {
                versions[^1].Deleted = true;
            }

            return Results.NoContent();
        }
    }

    private IResult DeleteAll(string mount, string path)
    {
        lock (_kvGate)
        {
            _kv.Remove($"{mount}/{path}");
            return Results.NoContent();
        }
    }

    private IResult ListKv(HttpContext context, string mount, string path)
    {
        if (context.Request.Method == "GET" && context.Request.Query["list"] != "true")
        {
            return Error(405, "metadata read is not modelled by the stub");
        }

        var prefix = $"{mount}/{(path.Length == 0 || path.EndsWith('/') ? path : path + "/")}";
        lock (_kvGate)
        {
            var keys = _kv.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
                .Select(k => k[prefix.Length..])
                .Select(rest => rest.Contains('/') ? rest[..(rest.IndexOf('/') + 1)] : rest)
                .Distinct().Order(StringComparer.Ordinal).Select(k => (JsonNode?)k).ToArray();
            return keys.Length == 0 ? Error(404) : Json(Envelope(new JsonObject { ["keys"] = new JsonArray(keys) }));
        }
    }

    private IResult SignSsh(HttpContext context, string mount, string role)
    {
        var body = Body(context);
        if (mount != SshMount)
        {
            return NoHandler($"{mount}/sign/{role}");
        }

        if (body?["public_key"]?.GetValue<string>() is not { } key || !key.StartsWith("ssh-", StringComparison.Ordinal))
        {
            return Error(400, "missing public_key");
        }

        return Json(Envelope(new JsonObject
        {
            ["serial_number"] = "c73f26d2340276aa",
            ["signed_key"] = "ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAstub\n",
        }));
    }

    private IResult ReadSshCa(string mount) =>
        mount != SshMount
            ? NoHandler($"{mount}/config/ca")
            : Json(Envelope(new JsonObject { ["public_key"] = SshCaPublicKey + "\n" }));

    private static int ParseDuration(string text)
    {
        var unit = text[^1];
        var number = char.IsDigit(unit) ? text : text[..^1];
        var value = int.Parse(number, CultureInfo.InvariantCulture);
        return unit switch { 'h' => value * 3600, 'm' => value * 60, _ => value };
    }

    private sealed class StubVersion(JsonObject data, string createdTime)
    {
        public JsonObject Data { get; } = data;

        public bool Deleted { get; set; }

        public JsonObject Metadata(int version) => new()
        {
            ["created_time"] = createdTime,
            ["custom_metadata"] = null,
            ["deletion_time"] = Deleted ? Now() : string.Empty,
            ["destroyed"] = false,
            ["version"] = version,
        };
    }
}
