namespace Catalog.Client.Tests.Support;

/// <summary>JSON answers as the catalog sends them, for the stub handler.</summary>
internal static class Payloads
{
    public const string Item = """{"id":7,"name":"Lamp","price":20.00,"createdAt":"2025-01-01T00:00:00+00:00","updatedAt":"2025-01-01T00:00:00+00:00"}""";

    public const string ValidationProblem = """
        {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,
         "errors":{"name":["The name is required."],"price":["The price must be between 0 and 1000000."]}}
        """;

    public const string NotFoundProblem = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Item not found","status":404,"detail":"There is no item with id 7."}""";
}
