using Catalog.Client;

namespace Catalog.Example;

/// <summary>The calls a consumer typically makes, each printed as it is done.</summary>
internal sealed class Walkthrough(ICatalogClient catalog, TextWriter output)
{
    // Unique per run, so that concurrent runs never touch each other's items.
    private readonly string _name = $"example-{Guid.NewGuid():N}"[..20];

    /// <summary>Create, read back, list, update, delete: leaves nothing behind, even when a step fails.</summary>
    public async Task RoundTripAsync(CancellationToken cancellationToken)
    {
        await ShowVersionAsync(cancellationToken);
        var created = Changed(await catalog.CreateAsync(new ItemDraft(_name, 9.99m), cancellationToken));
        output.WriteLine($"created  #{created.Id} '{created.Name}' at {created.Price}");
        try
        {
            var read = await catalog.GetAsync(created.Id, cancellationToken);
            output.WriteLine($"read     #{read.Id} '{read.Name}' at {read.Price}");

            var listed = await catalog.ListAsync(search: _name, cancellationToken: cancellationToken);
            output.WriteLine($"listed   {listed.Count} item(s) whose name contains '{_name}'");

            var updated = Changed(await catalog.UpdateAsync(created.Id, new ItemDraft(_name, 12.50m), cancellationToken));
            output.WriteLine($"updated  #{updated.Id} price {read.Price} -> {updated.Price}");
        }
        finally
        {
            // Not the caller's token: after Ctrl+C the item must still go (the client's own timeouts bound this call).
            await catalog.DeleteAsync(created.Id, CancellationToken.None);
            output.WriteLine($"deleted  #{created.Id}");
        }
    }

    /// <summary>The same changes as dry runs: the catalog validates each one and says what it would do; nothing changes.</summary>
    public async Task DryRunAsync(CancellationToken cancellationToken)
    {
        await ShowVersionAsync(cancellationToken);
        output.WriteLine("dry run: nothing is changed");
        var create = Changed(await catalog.CreateAsync(new ItemDraft(_name, 9.99m), cancellationToken));
        output.WriteLine($"would create '{create.Name}' at {create.Price}");

        // Updates and deletes need an item that exists: the first one in the catalog, if any.
        if ((await catalog.ListAsync(limit: 1, cancellationToken: cancellationToken)).FirstOrDefault() is not { } existing)
        {
            output.WriteLine("the catalog is empty: no item to try an update and a delete on");
            return;
        }

        var read = await catalog.GetAsync(existing.Id, cancellationToken);
        output.WriteLine($"read     #{read.Id} '{read.Name}' at {read.Price}");
        var update = Changed(await catalog.UpdateAsync(read.Id, new ItemDraft(read.Name + " (renamed)", read.Price), cancellationToken));
        output.WriteLine($"would update #{read.Id} name '{read.Name}' -> '{update.Name}'");
        var delete = Changed(await catalog.DeleteAsync(read.Id, cancellationToken));
        output.WriteLine($"would delete #{delete.Id} '{delete.Name}'");
    }

    private async Task ShowVersionAsync(CancellationToken cancellationToken)
    {
        var version = await catalog.VersionAsync(cancellationToken);
        output.WriteLine($"catalog  release {version.Release}, schema {version.Schema}");
    }

    private static Item Changed(ItemChange change) =>
        change.Item ?? throw new InvalidOperationException($"The catalog answered a {change.Action} without the item.");
}
