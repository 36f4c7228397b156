using System.Net.Sockets;
using System.Security.Cryptography;
using Platform.Core;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Platform.Secure;

/// <summary>
/// Opens SSH connections (SSH.NET) to inventory hosts. Every connection checks the host key
/// against the fingerprint pinned in the inventory (no trust on first use) and fails with a
/// message naming the host when the key, the login or the network is wrong.
/// </summary>
public sealed class SshConnector(SshCredentials credentials, TimeSpan? timeout = null)
{
    public TimeSpan Timeout { get; } = timeout ?? TimeSpan.FromSeconds(10);

    /// <summary>
    /// Tries a password login (with a throwaway password) and returns the authentication methods the
    /// host offers instead: a compliant host refuses and offers no <c>password</c> method.
    /// </summary>
    public async Task<string> ProbePasswordLoginAsync(InventoryHost host, CancellationToken cancellation = default)
    {
        var info = new ConnectionInfo(host.Address, host.SshPort, host.SshUser, new PasswordAuthenticationMethod(host.SshUser, "platform-compliance-probe")) { Timeout = Timeout, RetryAttempts = 1 };
        SshAlgorithmPolicy.Apply(info);
        using var client = new SshClient(info);
        client.HostKeyReceived += (_, e) => e.CanTrust = Fingerprint(e.HostKey) == host.HostKeyFingerprint;
        try
        {
            await client.ConnectAsync(cancellation);
            return "password login accepted";
        }
        catch (SshAuthenticationException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (ex is SocketException or SshConnectionException or SshOperationTimeoutException or TimeoutException or IOException)
        {
            // The connection itself failed: said of this host, not as a bare "Connection refused" at the end of a Verify.
            throw new PlatformException($"Cannot reach '{host.Name}' at {host.Address}:{host.SshPort} to check that it refuses password logins: {ex.Message}", ex);
        }
    }

    /// <summary>SHA256 fingerprint of a raw host key blob, as ssh-keygen prints it.</summary>
    public static string Fingerprint(byte[] hostKeyBlob) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(hostKeyBlob)).TrimEnd('=');

    public async Task<SshClient> ConnectShellAsync(InventoryHost host, CancellationToken cancellation = default)
    {
        var endpoint = $"{host.SshUser}@{host.Address}:{host.SshPort}";
        PrivateKeyFile key;
        try
        {
            key = credentials.CertificateFile is null
                ? new PrivateKeyFile(credentials.PrivateKeyFile)
                : new PrivateKeyFile(credentials.PrivateKeyFile, null, credentials.CertificateFile);
        }
        catch (Exception ex) when (ex is SshException or IOException or InvalidOperationException or ArgumentException)
        {
            throw new PlatformException($"Cannot load the SSH key {credentials.PrivateKeyFile}{(credentials.CertificateFile is null ? string.Empty : $" with certificate {credentials.CertificateFile}")}: {ex.Message}", ex);
        }

        var info = new ConnectionInfo(host.Address, host.SshPort, host.SshUser, new PrivateKeyAuthenticationMethod(host.SshUser, key))
        {
            Timeout = Timeout,
            RetryAttempts = 1,
        };
        SshAlgorithmPolicy.Apply(info);
        var client = new SshClient(info);
        HostKeyMismatchException? mismatch = null;
        client.HostKeyReceived += (_, e) =>
        {
            var actual = Fingerprint(e.HostKey);
            e.CanTrust = string.Equals(actual, host.HostKeyFingerprint, StringComparison.Ordinal);
            if (!e.CanTrust)
            {
                mismatch = new HostKeyMismatchException(host.Name, endpoint, host.HostKeyFingerprint, actual);
            }
        };

        try
        {
            await client.ConnectAsync(cancellation);
            return client;
        }
        catch (Exception ex) when (ex is SshException or SocketException or TimeoutException or SshOperationTimeoutException or ProxyException or IOException)
        {
            client.Dispose();
            if (mismatch is not null)
            {
                throw mismatch;
            }

            throw ex switch
            {
                SshAuthenticationException => new PlatformException(
                    $"'{host.Name}' ({endpoint}) refused the login with {credentials.PrivateKeyFile}{(credentials.CertificateFile is null ? string.Empty : " and its certificate")}: {ex.Message.TrimEnd('.')}. Is this key in the trusted circle on that host (SeedKeys)?", ex),
                SocketException or SshOperationTimeoutException or TimeoutException => new HostUnreachableException(
                    host.Name,
                    $"Cannot reach '{host.Name}' at {host.Address}:{host.SshPort}: {ex.Message}. Is the environment up? In the local environment, Apply (and so Deploy) starts again the hosts a reboot or a crash stopped. " + (host.Roles.All(r => r == "app")
                        ? $"If this host is gone for good, Terraform still counts it as created: replace it with ./build.sh --target=Apply --replace=ADDRESS (its resource address; in the local environment terraform_data.host[\"{host.Name}\"])."
                        : $"Bring it back rather than replace it: replacing the {string.Join("/", host.Roles)} host destroys what it holds."), ex),
                _ => new PlatformException($"SSH to '{host.Name}' ({endpoint}) failed: {ex.Message}", ex),
            };
        }
    }
}
