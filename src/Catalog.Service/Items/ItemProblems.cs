namespace Catalog.Service.Items;

/// <summary>The problem details the item endpoints answer with besides validation errors.</summary>
internal static class ItemProblems
{
    public static IResult NotFound(long id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Item not found", detail: $"There is no item with id {id}.");
}
