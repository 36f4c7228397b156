using System.Reflection;
using Platform.TestSupport;

namespace Catalog.Client.Tests.Support;

/// <summary>Where the example's build output is (the project reference builds it before these tests, in the same configuration).</summary>
internal static class ExampleBuild
{
    private static readonly string Configuration =
        typeof(ExampleBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string Dll => Path.Combine(RepositoryRoot.Path, "samples", "Catalog.Example", "bin", Configuration, "net10.0", "Catalog.Example.dll");
}
