using Platform.Core;
using Platform.Secrets;

namespace Platform.Secure;

/// <summary>
/// The Operators, Onboard, Revoke and Rotate targets: manage the trusted circle in the secrets
/// store. They validate everything first (bad input changes nothing), never print key bodies
/// (fingerprints only), and honour check mode. SeedKeys pushes the circle to the hosts.
/// </summary>
public sealed class OperatorSteps(RunContext run)
{
    private OperatorRegistry Registry() => new(SecretStoreFactory.Create(run));

    /// <summary>Operators: name, key type, fingerprint, added, expires.</summary>
    public async Task<IReadOnlyList<Operator>> ListAsync()
    {
        var registry = Registry();
        var operators = await registry.ListAsync(run.Cancellation);
        var rows = operators.Select(o => new[]
        {
            o.Name,
            o.Key.Type,
            o.Key.Fingerprint,
            o.AddedAt.ToString("yyyy-MM-dd"),
            o.ExpiresAt is { } e ? OperatorRegistry.DescribeExpiry(e) + (o.IsActive(registry.Now) ? string.Empty : " EXPIRED (revoked)") : "never",
        }).Prepend(["OPERATOR", "TYPE", "FINGERPRINT", "ADDED", "EXPIRES"]).ToList();
        var widths = Enumerable.Range(0, 5).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            run.Reporter.Info("  " + string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }

        if (operators.Count == 0)
        {
            run.Reporter.Info("  (no operators yet: Apply registers the deploy identity; Onboard adds people)");
        }

        return operators;
    }

    /// <summary>Onboard: <c>--operator=NAME --key=PATH_TO_PUBLIC_KEY [--expires=DATE]</c>.</summary>
    public async Task<Operator> OnboardAsync()
    {
        var name = run.Arguments.Require("operator", "the new operator's name, e.g. --operator=alice");
        var key = ReadPublicKey(run, run.Arguments.Require("key", "the path of their OpenSSH public key, e.g. --key=alice.pub"));
        var expires = OperatorRegistry.ParseExpiry(run.Arguments.Get("expires"));
        var registry = Registry();
        var op = await registry.PrepareOnboardAsync(name, key, expires, run.Operator, run.Cancellation);
        var what = $"{name} ({key.Type} {key.Fingerprint}), {(expires is null ? "no expiry" : "trusted " + OperatorRegistry.DescribeExpiry(expires.Value))}";
        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would onboard {what}.");
            return op;
        }

        await registry.SaveAsync(op, run.Cancellation);
        await AuditAsync("Onboard", name, key.Fingerprint);
        run.Reporter.Info($"Onboarded {what}. Run SeedKeys to give them access to every host.");
        return op;
    }

    /// <summary>Revoke: <c>--operator=NAME</c>.</summary>
    public async Task<Operator> RevokeAsync()
    {
        var name = run.Arguments.Require("operator", "the operator to revoke, e.g. --operator=alice");
        var registry = Registry();
        var op = await registry.PrepareRevokeAsync(name, run.Cancellation);
        // The same key under another name still in the circle (the deploy key handed over from an operator's own key)
        // stays on every host: expected at the end of the deploy key's replacement, a surprise anywhere else.
        var holders = (await registry.ListAsync(run.Cancellation)).Where(o => o.Name != name && o.Key.Fingerprint == op.Key.Fingerprint && o.IsActive(DateTimeOffset.UtcNow)).Select(o => o.Name).ToList();
        var stays = holders.Count == 0 ? null : $"the same key stays in the circle as {string.Join(", ", holders)}'s: SeedKeys keeps it on every host. If that is not the deploy key's planned handover, replace that key too (README.md, \"Replacing the deploy key\").";
        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would revoke {name} ({op.Key.Fingerprint}).");
            if (stays is not null)
            {
                run.Reporter.Warn($"Check mode: {stays}");
            }

            return op;
        }

        await registry.RemoveAsync(name, run.Cancellation);
        await AuditAsync("Revoke", name, op.Key.Fingerprint);
        if (stays is not null)
        {
            run.Reporter.Warn($"Revoked {name} ({op.Key.Fingerprint}), but {stays}");
            return op;
        }

        run.Reporter.Info($"Revoked {name} ({op.Key.Fingerprint}). Run SeedKeys to remove the key from every host.");
        return op;
    }

    /// <summary>Rotate: <c>--operator=NAME --key=NEW_PUBLIC_KEY</c>.</summary>
    public async Task<Operator> RotateAsync()
    {
        var name = run.Arguments.Require("operator", "the operator whose key changes, e.g. --operator=alice");
        var key = ReadPublicKey(run, run.Arguments.Require("key", "the path of the new OpenSSH public key"));
        var registry = Registry();
        var current = (await registry.ListAsync(run.Cancellation)).FirstOrDefault(o => o.Name == name);
        var op = await registry.PrepareRotateAsync(name, key, run.Cancellation);
        if (run.CheckMode)
        {
            run.Reporter.Info($"Check mode: would rotate {name}: {current?.Key.Fingerprint} -> {key.Fingerprint}.");
            return op;
        }

        await registry.SaveAsync(op, run.Cancellation);
        await AuditAsync("Rotate", name, key.Fingerprint);
        run.Reporter.Info($"Rotated {name}: {current?.Key.Fingerprint} -> {key.Fingerprint}. Run SeedKeys to replace the key on every host.");
        if (op.ExpiresAt is { } expires && !op.IsActive(registry.Now))
        {
            run.Reporter.Warn($"{name} stays expired (trusted {OperatorRegistry.DescribeExpiry(expires)}), so SeedKeys keeps the new key off the hosts too: to trust {name} again, Revoke and Onboard them with a new --expires.");
        }

        return op;
    }

    // A change of who may log in is recorded like a deploy (artifacts/<env>/audit.log), by fingerprint.
    private Task AuditAsync(string target, string name, string fingerprint) =>
        AuditLog.RecordAsync(run, lb: null, AuditLog.Line(DateTimeOffset.UtcNow, run.Operator, target, "-", "succeeded", run.CiBuild, subject: $"{name}/{fingerprint}"));

    private static OpenSshPublicKey ReadPublicKey(RunContext run, string path)
    {
        var full = run.UserPath(path);
        if (!File.Exists(full))
        {
            throw new PlatformException($"--key={path}: no such file ({full}). Nothing was changed.");
        }

        if (new FileInfo(full).Length > 16 * 1024)
        {
            throw new PlatformException($"--key={path} is {new FileInfo(full).Length} bytes: not an OpenSSH public key (those are one line). Nothing was changed.");
        }

        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new PlatformException($"--key={path}: {full} cannot be read ({ex.Message}). Pass a public key file this user may read. Nothing was changed.", ex);
        }

        return OpenSshPublicKey.Parse(text, $"--key={path}");
    }
}
