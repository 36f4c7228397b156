using Platform.Core;

namespace Platform.TestSupport;

/// <summary>A terminal on which these keys are typed: <c>\r</c> is Enter, <c>\u001b</c> Escape, <c>\b</c> Backspace.</summary>
public static class TypedKeys
{
    public static HiddenLineReader Reader(TextWriter screen, params string[] typed)
    {
        var keys = new Queue<ConsoleKeyInfo>(string.Concat(typed).Select(c => new ConsoleKeyInfo(c, c switch
        {
            '\r' => ConsoleKey.Enter,
            '\u001b' => ConsoleKey.Escape,
            '\b' => ConsoleKey.Backspace,
            _ => ConsoleKey.A,
        }, false, false, false)));
        return new HiddenLineReader(_ => Task.FromResult(keys.Dequeue()), screen);
    }
}
