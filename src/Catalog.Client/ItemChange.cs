namespace Catalog.Client;

/// <summary>
/// The result of a create, update or delete, in both modes: what was done, or with
/// <see cref="CatalogClientOptions.DryRun"/> what would have been done (nothing changed).
/// </summary>
public sealed record ItemChange
{
    /// <summary>The <see cref="Action"/> of <see cref="ICatalogClient.CreateAsync"/>.</summary>
    public const string CreateAction = "create";

    /// <summary>The <see cref="Action"/> of <see cref="ICatalogClient.UpdateAsync"/>.</summary>
    public const string UpdateAction = "update";

    /// <summary>The <see cref="Action"/> of <see cref="ICatalogClient.DeleteAsync"/>.</summary>
    public const string DeleteAction = "delete";

    /// <summary>True when nothing was changed: the server only validated the request and answered what would happen.</summary>
    public bool DryRun { get; init; }

    /// <summary><see cref="CreateAction"/>, <see cref="UpdateAction"/> or <see cref="DeleteAction"/>.</summary>
    public string Action { get; init; } = string.Empty;

    /// <summary>
    /// The item created or updated (or that would be); for a delete, the item that would be deleted in a
    /// dry run and null for a real delete (the server answers 204 without a body).
    /// </summary>
    public Item? Item { get; init; }

    /// <summary>The item as it is now, for a dry-run update; otherwise null.</summary>
    public Item? Before { get; init; }
}
