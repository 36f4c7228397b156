namespace Catalog.Service.Startup;

/// <summary>
/// Loads the env file named by <c>CATALOG_ENV_FILE</c> into the process environment before configuration
/// is built, so its values behave exactly like environment variables (including ASPNETCORE_URLS, which the
/// host reads early). Variables already set in the real environment win.
/// </summary>
internal static class EnvFileLoader
{
    public const string Variable = "CATALOG_ENV_FILE";

    public static void LoadIntoProcess()
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        foreach (var (key, value) in ValuesToSet(Read(path), Environment.GetEnvironmentVariable))
        {
            Environment.SetEnvironmentVariable(key, value);
        }
    }

    /// <summary>The file's values that the current environment does not already define.</summary>
    public static IReadOnlyDictionary<string, string> ValuesToSet(IReadOnlyDictionary<string, string> fileValues, Func<string, string?> currentEnvironment) =>
        fileValues.Where(pair => currentEnvironment(pair.Key) is null).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, string> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"{Variable}={path} cannot be read ({e.GetType().Name}).");
        }

        try
        {
            return EnvFileParser.Parse(text);
        }
        catch (FormatException e)
        {
            throw new StartupException($"{Variable}={path}: {e.Message}.");
        }
    }
}
