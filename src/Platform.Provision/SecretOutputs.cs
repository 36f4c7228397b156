using System.Text.Json.Nodes;
using Platform.Core;
using Platform.Secrets;

namespace Platform.Provision;

/// <summary>
/// An environment may output secrets it generated (e.g. a managed database's admin password) as a
/// sensitive output named <c>secrets</c>: <c>{ "db/admin-password" = … }</c>. Apply moves them into the
/// environment's secrets store, where later steps read them; they are never printed.
/// </summary>
public static class SecretOutputs
{
    public static async Task StoreAsync(RunContext run, JsonObject outputs)
    {
        if (outputs["secrets"] is not JsonObject secrets || secrets.Count == 0)
        {
            return;
        }

        var store = SecretStoreFactory.Create(run);
        // What Terraform generated is kept even when the run was interrupted meanwhile (only the state would
        // hold it otherwise): a token of its own, bounded in time, as the audit line's.
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var (key, value) in secrets)
        {
            if (value?.GetValue<string>() is { Length: > 0 } text)
            {
                run.Redactor.Register(text);
                await store.SetAsync(key, text, cleanup.Token);
            }
        }

        run.Reporter.Info($"Stored {secrets.Count} secret output(s) in the {store.Backend} secrets store: {string.Join(", ", secrets.Select(s => s.Key))}");
    }
}
