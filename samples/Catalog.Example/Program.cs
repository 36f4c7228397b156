using Catalog.Client;
using Catalog.Example;
using Microsoft.Extensions.DependencyInjection;

// Catalog.Example: creates an item, reads it back, lists, updates and deletes it, printing each step.
//   CATALOG_URL=http://127.0.10.10:8080 dotnet Catalog.Example.dll [--dry-run]
// Exit codes: 0 done, 1 the catalog failed or refused a call, 2 bad usage (no CATALOG_URL, unknown argument).
const string DryRunSwitch = "--dry-run";
const string Usage = $"usage: CATALOG_URL=http://host:port dotnet Catalog.Example.dll [{DryRunSwitch}]";

var url = Environment.GetEnvironmentVariable("CATALOG_URL");
if (string.IsNullOrWhiteSpace(url))
{
    Console.Error.WriteLine($"CATALOG_URL is not set: it must hold the catalog's root URL.\n{Usage}");
    return 2;
}

if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress))
{
    Console.Error.WriteLine($"CATALOG_URL={url} is not a URL: it must hold the catalog's root URL.\n{Usage}");
    return 2;
}

if (args.Except([DryRunSwitch]).FirstOrDefault() is { } unknown)
{
    Console.Error.WriteLine($"Unknown argument '{unknown}'.\n{Usage}");
    return 2;
}

var dryRun = args.Contains(DryRunSwitch);
var services = new ServiceCollection();
services.AddCatalogClient(options =>
{
    options.BaseAddress = baseAddress;
    options.DryRun = dryRun;
});
await using var provider = services.BuildServiceProvider();

ICatalogClient catalog;
try
{
    catalog = provider.GetRequiredService<ICatalogClient>();
}
catch (ArgumentException e)
{
    // The options are checked here; the message names the bad one. The URL is not repeated: it may hold a password.
    Console.Error.WriteLine($"CATALOG_URL cannot be used: {e.Message}\n{Usage}");
    return 2;
}

// Ctrl+C cancels the call in flight instead of killing the process halfway.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

try
{
    var walkthrough = new Walkthrough(catalog, Console.Out);
    await (dryRun ? walkthrough.DryRunAsync(cancellation.Token) : walkthrough.RoundTripAsync(cancellation.Token));
    return 0;
}
catch (Exception e) when (e is CatalogApiException or CatalogTimeoutException or HttpRequestException or OperationCanceledException)
{
    Console.Error.WriteLine($"Catalog.Example failed: {e.Message}");
    return 1;
}
