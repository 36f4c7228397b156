using System.Text.Json;
using Platform.Core;

namespace Platform.Secrets;

/// <summary>
/// Reads and writes one local secret file (a <see cref="SecretHistory"/> as JSON). Files are owner-only
/// (0600): a file others can read is refused rather than used, because its secret may already have leaked
/// and the operator must know.
/// </summary>
internal static class SecretFile
{
    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The history in <paramref name="path"/>, or null when there is no such file.</summary>
    public static async Task<SecretHistory?> ReadAsync(string path, CancellationToken cancellation)
    {
        string text;
        try
        {
            RequireOwnerOnly(path);
            text = await File.ReadAllTextAsync(path, cancellation);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        SecretHistory? history;
        try
        {
            history = JsonSerializer.Deserialize<SecretHistory>(text, Json);
        }
        catch (JsonException ex)
        {
            // Only the position: JsonException's own message can quote the (secret) text.
            throw Damaged(path, $"not valid JSON at line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}");
        }

        var problem = history is null ? "it is empty" : history.Problem();
        return problem is null ? history : throw Damaged(path, problem);
    }

    /// <summary>Replaces the file atomically, created 0600 from the start.</summary>
    public static void Write(string path, SecretHistory history) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(history, Json), AtomicFile.OwnerOnly);

    public static void RequireOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            throw new PlatformException(
                $"The secret file {path} is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); " +
                $"run 'chmod 600 {path}' and consider rotating the secret, since others could read it.");
        }
    }

    private static PlatformException Damaged(string path, string problem) =>
        new($"The secret file {path} is damaged ({problem}); restore it from a backup, or delete it and set the secret again.");
}
