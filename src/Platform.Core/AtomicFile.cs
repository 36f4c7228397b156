namespace Platform.Core;

/// <summary>
/// Writes files so a reader sees either the old or the new content, never a half-written one:
/// write a temp file in the same folder with the final mode, flush it, then rename over the target.
/// </summary>
public static class AtomicFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode Readable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void WriteAllText(string path, string content, UnixFileMode mode = Readable) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(content), mode);

    public static void WriteAllBytes(string path, byte[] content, UnixFileMode mode = Readable)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Create with the final mode from the start: a secret is never readable by others, not even briefly.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
