using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.Core;
using Platform.Secrets;

namespace Platform.Secure;

/// <summary>
/// The trusted circle, kept in the environment's secrets store under <c>operators/&lt;name&gt;</c>
/// (so Vault environments keep it in Vault, with its history). Onboard, Revoke and Rotate validate
/// everything before they write: bad input changes nothing.
/// </summary>
public sealed partial class OperatorRegistry(ISecretStore store, TimeProvider? time = null)
{
    private const string Folder = "operators/";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public DateTimeOffset Now => _time.GetUtcNow();

    public async Task<IReadOnlyList<Operator>> ListAsync(CancellationToken cancellation = default)
    {
        var operators = new List<Operator>();
        foreach (var name in await store.ListAsync(Folder, cancellation))
        {
            if (name.EndsWith('/'))
            {
                continue;
            }

            var json = await store.GetAsync(Folder + name, cancellation);
            if (json is not null)
            {
                operators.Add(ParseRecord(name, json));
            }
        }

        return operators.OrderBy(o => o.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Operators whose trust has not expired: the circle.</summary>
    public async Task<IReadOnlyList<Operator>> ActiveAsync(CancellationToken cancellation = default) =>
        (await ListAsync(cancellation)).Where(o => o.IsActive(Now)).ToList();

    /// <summary>
    /// The key lines a new host is created with (a cloud's key resources take no options): the active
    /// operators who never expire. One who expires gets in at the next SeedKeys, on a line whose
    /// <c>expiry-time</c> sshd enforces, rather than for good on the hosts an Apply makes.
    /// </summary>
    public async Task<IReadOnlyList<string>> CreationKeysAsync(CancellationToken cancellation = default) =>
        (await ActiveAsync(cancellation)).Where(o => o.ExpiresAt is null).Select(o => o.PublicKeyLine).ToList();

    /// <summary>Validates an onboarding and returns the operator it would add (nothing is written).</summary>
    public async Task<Operator> PrepareOnboardAsync(string name, OpenSshPublicKey key, DateTimeOffset? expiresAt, string addedBy, CancellationToken cancellation = default)
    {
        ValidateName(name);
        ValidateExpiry(expiresAt);
        var existing = await ListAsync(cancellation);
        if (existing.FirstOrDefault(o => o.Name == name) is { } known)
        {
            // Rotate keeps an expiry; an expired operator comes back only by being onboarded again, after Revoke.
            throw new PlatformException(known.IsActive(Now)
                ? $"Operator '{name}' already exists. Use Rotate to change their key (--operator={name} --key=NEW.pub). Nothing was changed."
                : $"Operator '{name}' exists but expired on {known.ExpiresAt:yyyy-MM-dd}. To trust them again, Revoke them (--operator={name}), then Onboard them with a new --expires (or none). Nothing was changed.");
        }

        RefuseKeyOfAnother(existing, key, name);
        return new Operator { Name = name, PublicKey = key.KeyText, AddedAt = Now, AddedBy = addedBy, ExpiresAt = expiresAt };
    }

    public Task SaveAsync(Operator op, CancellationToken cancellation = default) =>
        store.SetAsync(Folder + op.Name, JsonSerializer.Serialize(op, Json), cancellation);

    /// <summary>Validates a revocation and returns the operator it would remove (nothing is written).</summary>
    public async Task<Operator> PrepareRevokeAsync(string name, CancellationToken cancellation = default)
    {
        ValidateName(name);
        if (name == DeployIdentity.OperatorName)
        {
            throw new PlatformException($"'{DeployIdentity.OperatorName}' is Platform's own identity: revoking it would lock the pipeline out. To replace its key, see README.md, \"Replacing the deploy key\". Nothing was changed.");
        }

        return await FindAsync(name, cancellation);
    }

    public Task RemoveAsync(string name, CancellationToken cancellation = default) => store.DeleteAsync(Folder + name, cancellation);

    /// <summary>Validates a key rotation and returns the operator with the new key (nothing is written).</summary>
    public async Task<Operator> PrepareRotateAsync(string name, OpenSshPublicKey key, CancellationToken cancellation = default)
    {
        ValidateName(name);
        if (name == DeployIdentity.OperatorName)
        {
            // SeedKeys registers 'deploy' from the key file Platform logs in with: a Rotate here would be undone silently.
            throw new PlatformException(
                $"'{DeployIdentity.OperatorName}' is Platform's own identity: its key is the one Platform logs in with (.platform/<env>/keys/id_ed25519), and every SeedKeys registers that key again, so a Rotate would be undone. " +
                "To replace it, see README.md, \"Replacing the deploy key\". Nothing was changed.");
        }

        var current = await FindAsync(name, cancellation);
        if (current.Key.Fingerprint == key.Fingerprint)
        {
            throw new PlatformException($"{key.Fingerprint} is already the key of '{name}'. Nothing was changed.");
        }

        RefuseKeyOfAnother(await ListAsync(cancellation), key, name);
        return current with { PublicKey = key.KeyText, RotatedAt = Now };
    }

    /// <summary>Registers (or updates) the deploy identity as the operator <c>deploy</c>; returns true when it wrote.</summary>
    public async Task<bool> EnsureDeployOperatorAsync(DeployIdentity identity, CancellationToken cancellation = default)
    {
        var existing = (await ListAsync(cancellation)).FirstOrDefault(o => o.Name == DeployIdentity.OperatorName);
        if (existing is not null && existing.Key.Fingerprint == identity.PublicKey.Fingerprint && existing.IsActive(Now))
        {
            return false;
        }

        var op = existing is null
            ? new Operator { Name = DeployIdentity.OperatorName, PublicKey = identity.PublicKey.KeyText, AddedAt = Now, AddedBy = "platform" }
            : existing with { PublicKey = identity.PublicKey.KeyText, RotatedAt = Now, ExpiresAt = null };
        await SaveAsync(op, cancellation);
        return true;
    }

    /// <summary>Parses <c>--expires</c>: a date (trusted through the end of that day, UTC) or a date and time.</summary>
    public static DateTimeOffset? ParseExpiry(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
        {
            return moment.ToUniversalTime();
        }

        throw new PlatformException($"--expires={text} is not a date: use YYYY-MM-DD (trusted through that day, UTC) or an ISO 8601 date and time.");
    }

    /// <summary>An expiry as the operator gave it: a day (<c>--expires=2027-06-30</c>, stored as the next midnight) reads "through 2027-06-30".</summary>
    public static string DescribeExpiry(DateTimeOffset at) =>
        at.UtcDateTime.TimeOfDay == TimeSpan.Zero
            ? $"through {at.UtcDateTime.AddDays(-1):yyyy-MM-dd} (UTC)"
            : $"until {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC";

    private void ValidateExpiry(DateTimeOffset? expiresAt)
    {
        if (expiresAt is { } at && at <= Now)
        {
            throw new PlatformException($"--expires is in the past (trusted {DescribeExpiry(at)}): give a future date. Nothing was changed.");
        }
    }

    // The name is the comment of the operator's authorized_keys line: a record whose name is not its entry's (edited
    // outside Platform) could carry a line break and a second key that no listing shows, so it is refused unquoted.
    private static Operator ParseRecord(string name, string json)
    {
        Operator? op;
        try
        {
            op = JsonSerializer.Deserialize<Operator>(json, Json);
        }
        catch (JsonException)
        {
            op = null;
        }

        return op is not null && op.Name == name
            ? op
            : throw new PlatformException(
                $"The secrets store entry {Folder}{name} is not a valid operator record{(op is null ? string.Empty : $" (its name is not '{name}')")}: " +
                "it was changed outside Platform. Restore it from the store's history, or delete it and Onboard the operator again.");
    }

    private async Task<Operator> FindAsync(string name, CancellationToken cancellation)
    {
        var all = await ListAsync(cancellation);
        return all.FirstOrDefault(o => o.Name == name)
            ?? throw new PlatformException($"No operator named '{name}'. Operators: {(all.Count == 0 ? "none" : string.Join(", ", all.Select(o => o.Name)))}. Nothing was changed.");
    }

    private static void RefuseKeyOfAnother(IEnumerable<Operator> operators, OpenSshPublicKey key, string name)
    {
        var owner = operators.FirstOrDefault(o => o.Name != name && o.Key.Fingerprint == key.Fingerprint);
        if (owner is not null)
        {
            throw new PlatformException($"The key {key.Fingerprint} already belongs to operator '{owner.Name}': each operator has their own key. Nothing was changed.");
        }
    }

    private static void ValidateName(string name)
    {
        if (!OperatorName().IsMatch(name))
        {
            throw new PlatformException($"--operator={name} is not a valid operator name: 1-32 lower-case letters, digits, '.', '_' or '-', starting with a letter.");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9._-]{0,31}$")]
    private static partial Regex OperatorName();
}
