using Catalog.Service;
using Catalog.Service.Startup;

// Entry point: env file first (its values act as environment variables), then the web host.
// Configuration errors and startup failures end the process with one line on stderr and exit code 1.
try
{
    EnvFileLoader.LoadIntoProcess();
    // The slim builder: the service needs no HTTPS, IIS, hosting startup or regex route constraints,
    // and a native start-up without them costs about a tenth less CPU.
    var app = WebApplication.CreateSlimBuilder(args).AddCatalogServices().Build().UseCatalogPipeline();
    app.Run();
    return 0;
}
catch (StartupException e)
{
    Console.Error.WriteLine($"Catalog.Service cannot start: {e.Message}");
    return 1;
}
catch (Exception e) when (e is not HostAbortedException)
{
    // The host has already logged the details; this line says why the process ended.
    Console.Error.WriteLine($"Catalog.Service stopped: {e.GetType().Name}: {e.Message}");
    return 1;
}

/// <summary>Public so that tests can host the service with WebApplicationFactory&lt;Program&gt;.</summary>
public partial class Program;
