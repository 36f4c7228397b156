using System.Text;

namespace Platform.Core;

/// <summary>
/// Reads a line typed at the terminal without showing it (a secret): nothing is echoed, not even a
/// star per key, so neither the value nor its length reaches the screen, a recording or a CI log.
/// Backspace takes back the last character; Escape gives up.
/// </summary>
public sealed class HiddenLineReader(Func<CancellationToken, Task<ConsoleKeyInfo>> nextKey, TextWriter prompts)
{
    /// <summary>
    /// The process's terminal. Keys are awaited by polling, so that Ctrl+C (a cancellation) ends the wait.
    /// Prompts go to standard error, which stays on the terminal when the output is sent to a file.
    /// </summary>
    public static HiddenLineReader FromConsole() => new(async cancellation =>
    {
        while (!Console.KeyAvailable)
        {
            await Task.Delay(20, cancellation);
        }

        return Console.ReadKey(intercept: true);
    }, Console.Error);

    /// <summary>The line typed after <paramref name="prompt"/>; null when Escape gave up.</summary>
    public async Task<string?> ReadAsync(string prompt, CancellationToken cancellation)
    {
        prompts.Write(prompt);
        await prompts.FlushAsync(cancellation);
        var line = new StringBuilder();
        try
        {
            while (true)
            {
                var key = await nextKey(cancellation);
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        return line.ToString();
                    case ConsoleKey.Escape:
                        return null;
                    case ConsoleKey.Backspace:
                        line.Length = Math.Max(0, line.Length - 1);
                        break;
                    default:
                        if (!char.IsControl(key.KeyChar))
                        {
                            line.Append(key.KeyChar);
                        }

                        break;
                }
            }
        }
        finally
        {
            // The line the user ended with Enter never showed: end it here, so the next output starts clean.
            await prompts.WriteLineAsync();
        }
    }
}
