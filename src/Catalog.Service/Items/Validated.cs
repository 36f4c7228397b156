namespace Catalog.Service.Items;

/// <summary>Either a valid value or the errors per field (camelCase JSON names), as ValidationProblem reports them.</summary>
internal sealed record Validated<T>(T? Value, Dictionary<string, string[]> Errors)
    where T : class
{
    public static Validated<T> Valid(T value) => new(value, []);

    public static Validated<T> Invalid(Dictionary<string, string[]> errors) => new(null, errors);

    public IResult ToProblem() => Results.ValidationProblem(Errors);
}
