using Catalog.Service.Release;

namespace Catalog.Service.Items;

/// <summary>Checks an item request against the catalog's rules and normalises it.</summary>
internal sealed class ItemValidator(ItemSchemaFeatures features)
{
    public const int MaxNameLength = 200;
    public const decimal MaxPrice = 1_000_000m;
    public const int MaxDescriptionLength = 2000;

    // PostgreSQL's text cannot hold it (it would fail the insert as a 500, an error entry in the log).
    public const string NoNul = "The text must not contain the NUL character (\\u0000).";

    public Validated<ItemFields> Validate(ItemRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["name"] = ["The name is required."];
        }
        else if (name.Length > MaxNameLength)
        {
            errors["name"] = [$"The name must be at most {MaxNameLength} characters."];
        }
        else if (name.Contains('\0', StringComparison.Ordinal))
        {
            errors["name"] = [NoNul];
        }

        if (request.Price is not { } price)
        {
            errors["price"] = ["The price is required."];
        }
        else if (price < 0 || price > MaxPrice)
        {
            errors["price"] = [$"The price must be between 0 and {MaxPrice:0}."];
        }
        else if (decimal.Round(price, 2) != price)
        {
            errors["price"] = ["The price must have at most 2 decimal places."];
        }

        // A release that does not know descriptions ignores them, as it ignores any unknown field.
        var description = features.HasDescription ? request.Description : null;
        if (description?.Length > MaxDescriptionLength)
        {
            errors["description"] = [$"The description must be at most {MaxDescriptionLength} characters."];
        }
        else if (description?.Contains('\0', StringComparison.Ordinal) == true)
        {
            errors["description"] = [NoNul];
        }

        return errors.Count > 0
            ? Validated<ItemFields>.Invalid(errors)
            : Validated<ItemFields>.Valid(new ItemFields(name!, request.Price!.Value, description));
    }
}
