using System.Net;
using Platform.Core;

namespace Platform.Secrets;

/// <summary>
/// A failed Vault request. The message names the method and API path, and quotes Vault's <c>errors[]</c>;
/// it never contains the token or a secret value (messages are built through the client's redactor).
/// </summary>
public class VaultException : PlatformException
{
    public VaultException(string message, string method, string path, HttpStatusCode? statusCode, IReadOnlyList<string> errors)
        : base(message)
    {
        Method = method;
        Path = path;
        StatusCode = statusCode;
        Errors = errors;
    }

    public VaultException(string message, string method, string path, Exception inner)
        : base(message, inner)
    {
        Method = method;
        Path = path;
        Errors = [];
    }

    public string Method { get; }

    /// <summary>The API path, e.g. <c>/v1/secret/data/platform/prod/db</c> (no query).</summary>
    public string Path { get; }

    /// <summary>Null when Vault did not answer at all.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Vault's <c>errors</c> array, redacted.</summary>
    public IReadOnlyList<string> Errors { get; }
}

/// <summary>400: Vault found the request malformed or invalid.</summary>
public sealed class VaultInvalidRequestException(string message, string method, string path, IReadOnlyList<string> errors)
    : VaultException(message, method, path, HttpStatusCode.BadRequest, errors);

/// <summary>403: the token lacks a policy for the path, or has expired or been revoked.</summary>
public sealed class VaultPermissionDeniedException(string message, string method, string path, IReadOnlyList<string> errors)
    : VaultException(message, method, path, HttpStatusCode.Forbidden, errors);

/// <summary>404: nothing at the path (secret stores turn this into null for reads), or no engine mounted there.</summary>
public sealed class VaultNotFoundException(string message, string method, string path, IReadOnlyList<string> errors)
    : VaultException(message, method, path, HttpStatusCode.NotFound, errors)
{
    /// <summary>
    /// True when the engine answered that the secret or folder does not exist: its 404 carries no error text.
    /// A path no engine is mounted at answers 404 too, but with "no handler for route …": that is a wrong
    /// mount (or namespace), which must not pass for an empty store.
    /// </summary>
    public bool IsAbsent => Errors.Count == 0;

    /// <summary>The version a KV v2 read found deleted or destroyed (Vault answers with its metadata); null otherwise.</summary>
    public int? DeletedVersion { get; init; }
}

/// <summary>503: Vault is sealed or a standby that cannot serve the request.</summary>
public sealed class VaultSealedException(string message, string method, string path, IReadOnlyList<string> errors)
    : VaultException(message, method, path, HttpStatusCode.ServiceUnavailable, errors);

/// <summary>No answer: every attempt timed out or failed to connect, or TLS could not be established.</summary>
public sealed class VaultUnavailableException(string message, string method, string path, Exception inner)
    : VaultException(message, method, path, inner);
