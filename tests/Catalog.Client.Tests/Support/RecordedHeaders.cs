using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Catalog.Client.Tests.Support;

/// <summary>Records one request header as the service received it, in front of the service's own pipeline.</summary>
internal sealed class RecordedHeaders(string header) : IStartupFilter
{
    private readonly ConcurrentQueue<string> _values = new();

    /// <summary>The header's value per request, in arrival order (empty when absent).</summary>
    public IReadOnlyList<string> Values => [.. _values];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            _values.Enqueue(context.Request.Headers[header].ToString());
            await nextMiddleware(context);
        });
        next(app);
    };
}
