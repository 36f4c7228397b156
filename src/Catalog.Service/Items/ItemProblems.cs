namespace Catalog.Service.Items;

/// <summary>The problem details the item endpoints answer with besides validation errors.</summary>
internal static class ItemProblems
{
    // Catalog.Client tells "no such item" from any other 404 (a gateway's, an unknown route's) by this title alone,
    // clients of every release included: never change it.
    public static IResult NotFound(long id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Item not found", detail: $"There is no item with id {id}.");
}
