using System.Reflection;
using Platform.TestSupport;

namespace Catalog.Service.Tests.Support;

/// <summary>Where the service's build output is: the same folder a deployer would publish and run.</summary>
internal static class ServiceBuild
{
    private static readonly string Configuration =
        typeof(ServiceBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string ProjectDirectory => Path.Combine(RepositoryRoot.Path, "src", "Catalog.Service");

    public static string OutputDirectory => Path.Combine(ProjectDirectory, "bin", Configuration, "net10.0");

    public static string Dll => Path.Combine(OutputDirectory, "Catalog.Service.dll");
}
