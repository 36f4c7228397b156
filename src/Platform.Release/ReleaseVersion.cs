using System.Text.RegularExpressions;
using Platform.Core;

namespace Platform.Release;

/// <summary>
/// The version a run works with: <c>--version=X.Y.Z</c>, or one derived from git — the tag
/// <c>vX.Y.Z</c> when HEAD is exactly on it, else <c>0.0.&lt;commits&gt;-g&lt;sha&gt;</c>.
/// </summary>
public static partial class ReleaseVersion
{
    public static async Task<string> ResolveAsync(RunContext run)
    {
        if (run.Arguments.Get("version") is { Length: > 0 } given)
        {
            return Validate(given);
        }

        var git = new CommandOptions { WorkingDirectory = run.Layout.RepoRoot, AllowFailure = true };
        var tag = await run.Commands.RunAsync("git", ["describe", "--tags", "--exact-match", "--match", "v[0-9]*"], git, run.Cancellation);
        if (tag.Succeeded && IsValid(tag.StandardOutput.Trim().TrimStart('v')))
        {
            return tag.StandardOutput.Trim().TrimStart('v');
        }

        var count = await run.Commands.RunAsync("git", ["rev-list", "--count", "HEAD"], git, run.Cancellation);
        var sha = await run.Commands.RunAsync("git", ["rev-parse", "--short=7", "HEAD"], git, run.Cancellation);
        if (!count.Succeeded || !sha.Succeeded)
        {
            throw new PlatformException("No --version given and none can be derived from git here: pass --version=X.Y.Z.");
        }

        return $"0.0.{count.StandardOutput.Trim()}-g{sha.StandardOutput.Trim()}";
    }

    /// <summary>Whether <paramref name="version"/> is a release name Platform would make (and so safe in a path on a node).</summary>
    /// <remarks>Lenient about leading zeros: records written before <see cref="Validate"/> refused them must still read.</remarks>
    public static bool IsValid(string? version) => version is not null && Name().IsMatch(version);

    /// <summary>A new release name (<c>--version</c>): Semantic Versioning's numbers, without leading zeros.</summary>
    public static string Validate(string version) =>
        SemVer().IsMatch(version)
            ? version
            : throw new PlatformException($"--version={version} is not a version: use X.Y.Z (numbers without leading zeros), optionally with a pre-release suffix (e.g. 1.2.0 or 1.3.0-rc.1).");

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z][0-9A-Za-z.-]{0,40})?$")]
    private static partial Regex Name();

    // Semantic Versioning's numbers: no leading zeros, so that 09.9.2 and 9.9.2 cannot name two releases of one version.
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z][0-9A-Za-z.-]{0,40})?$")]
    private static partial Regex SemVer();
}
