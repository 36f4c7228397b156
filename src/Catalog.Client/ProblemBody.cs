namespace Catalog.Client;

/// <summary>The RFC 9457 problem details the server answers errors with (validation problems add errors per field).</summary>
internal sealed record ProblemBody
{
    public string? Title { get; init; }

    public string? Detail { get; init; }

    public Dictionary<string, string[]>? Errors { get; init; }
}
