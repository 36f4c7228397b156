using Catalog.Service.Data;

namespace Catalog.Service.Items;

/// <summary>
/// The /items API. Writes accept ?dryRun=true: they validate and look up exactly as for real, then
/// answer 200 with what would happen and change nothing.
/// </summary>
internal static class ItemEndpoints
{
    public static void MapItemEndpoints(this IEndpointRouteBuilder app)
    {
        // Plain routes rather than a group: the route template is the metrics label, and a group would make it "/items/".
        app.MapGet("/items", List);
        app.MapGet("/items/{id}", Get);
        app.MapPost("/items", Create);
        app.MapPut("/items/{id}", Replace);
        app.MapDelete("/items/{id}", Delete);
    }

    private static async Task<IResult> List(int? limit, int? offset, string? search, ItemStore store, CancellationToken cancellationToken)
    {
        var page = ItemPage.From(limit, offset, search);
        return page.Value is null ? page.ToProblem() : Results.Ok(await store.ListAsync(page.Value, cancellationToken));
    }

    private static async Task<IResult> Get(long id, ItemStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } item ? Results.Ok(item) : ItemProblems.NotFound(id);

    private static async Task<IResult> Create(ItemRequest request, bool? dryRun, ItemValidator validator, ItemStore store, CancellationToken cancellationToken)
    {
        var fields = validator.Validate(request);
        if (fields.Value is null)
        {
            return fields.ToProblem();
        }

        if (dryRun == true)
        {
            return Results.Ok(DryRunResult.Create(fields.Value));
        }

        var item = await store.InsertAsync(fields.Value, cancellationToken);
        return Results.Created($"/items/{item.Id}", item);
    }

    private static async Task<IResult> Replace(
        long id, ItemRequest request, bool? dryRun, ItemValidator validator, ItemStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var fields = validator.Validate(request);
        if (fields.Value is null)
        {
            return fields.ToProblem();
        }

        if (dryRun == true)
        {
            return await store.GetAsync(id, cancellationToken) is { } before
                ? Results.Ok(DryRunResult.Update(before, fields.Value.ApplyTo(before, clock.GetUtcNow())))
                : ItemProblems.NotFound(id);
        }

        return await store.UpdateAsync(id, fields.Value, cancellationToken) is { } item ? Results.Ok(item) : ItemProblems.NotFound(id);
    }

    private static async Task<IResult> Delete(long id, bool? dryRun, ItemStore store, CancellationToken cancellationToken)
    {
        if (dryRun == true)
        {
            return await store.GetAsync(id, cancellationToken) is { } item ? Results.Ok(DryRunResult.Delete(item)) : ItemProblems.NotFound(id);
        }

        return await store.DeleteAsync(id, cancellationToken) ? Results.NoContent() : ItemProblems.NotFound(id);
    }
}
