namespace Catalog.Service.Items;

/// <summary>
/// The body of POST and PUT /items, as sent. Everything is optional here so that missing fields become
/// validation errors rather than binding failures; unknown fields are ignored (newer clients may send more).
/// </summary>
internal sealed record ItemRequest(string? Name, decimal? Price, string? Description);
