namespace Catalog.Service.Items;

/// <summary>Which part of the catalog GET /items returns: a page, optionally filtered by a case-insensitive name substring.</summary>
internal sealed record ItemPage(int Limit, int Offset, string? Search)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static Validated<ItemPage> From(int? limit, int? offset, string? search)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"The limit must be between 1 and {MaxLimit}."];
        }

        if (offset is < 0)
        {
            errors["offset"] = ["The offset must be 0 or more."];
        }

        if (search?.Contains('\0', StringComparison.Ordinal) == true)
        {
            errors["search"] = [ItemValidator.NoNul];
        }

        return errors.Count > 0
            ? Validated<ItemPage>.Invalid(errors)
            : Validated<ItemPage>.Valid(new ItemPage(limit ?? DefaultLimit, offset ?? 0, string.IsNullOrEmpty(search) ? null : search));
    }
}
