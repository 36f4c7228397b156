using Platform.Core;
using Platform.TestSupport;

namespace Platform.Core.Tests;

public sealed class HiddenLineReaderTests
{
    [Test]
    public async Task Shows_the_prompt_and_nothing_of_what_is_typed()
    {
        var screen = new StringWriter();

        var line = await TypedKeys.Reader(screen, "hunter2\r").ReadAsync("Password: ", CancellationToken.None);

        Assert.That(line, Is.EqualTo("hunter2"));
        Assert.That(screen.ToString(), Is.EqualTo("Password: " + Environment.NewLine), "no echo, no stars: the length does not show either");
    }

    [Test]
    public async Task Backspace_takes_back_a_character_and_control_keys_add_none()
    {
        var line = await TypedKeys.Reader(new StringWriter(), "\bab\bc\t\u0001d\r").ReadAsync("> ", CancellationToken.None);

        Assert.That(line, Is.EqualTo("acd"));
    }

    [Test]
    public async Task Escape_gives_up_and_ends_the_line()
    {
        var screen = new StringWriter();

        var line = await TypedKeys.Reader(screen, "abc\u001b").ReadAsync("> ", CancellationToken.None);

        Assert.That(line, Is.Null);
        Assert.That(screen.ToString(), Does.EndWith(Environment.NewLine));
    }

    [Test]
    public void A_cancelled_wait_for_a_key_ends_the_read()
    {
        using var cancel = new CancellationTokenSource();
        var reader = new HiddenLineReader(async c => { await Task.Delay(Timeout.Infinite, c); return default; }, new StringWriter());
        var reading = reader.ReadAsync("> ", cancel.Token);

        cancel.Cancel();

        Assert.That(async () => await reading, Throws.InstanceOf<OperationCanceledException>());
    }
}
