namespace Platform.Core;

/// <summary>
/// A path the user typed (<c>--plan</c>, <c>--key</c>, <c>--state-dir</c> …) is relative to the folder
/// they ran build.sh from: build.sh and build.ps1 pass it on as <c>PLATFORM_CALLER_DIR</c>, since they
/// change to the repository and Cake then runs the script from <c>build/</c>. Without it (a test, a
/// script hosting the steps) relative paths are taken from the repository root.
/// </summary>
public static class UserPath
{
    public const string CallerDirVariable = "PLATFORM_CALLER_DIR";

    public static string Resolve(string path, string repoRoot) =>
        Path.GetFullPath(path, Environment.GetEnvironmentVariable(CallerDirVariable) is { Length: > 0 } caller ? caller : repoRoot);
}
